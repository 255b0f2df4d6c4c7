import type { StrategyInput } from '../../src/domain/planning/types.js';
import type { Database } from '../../src/store/database.js';
import type { NewRecommendationRow } from '../../src/store/planning/plan.repository.js';

/** A stable, well-supplied class-X item for the strategy classifier: two sources, a short reliable lead time. */
export const STABLE_STRATEGY_INPUT: Omit<StrategyInput, 'key' | 'annualValue'> = {
  demandCv: 0.3,
  demandClass: 'smooth',
  criticality: 'medium',
  currentPolicyKind: 'reorder_point',
  sourceCount: 2,
  leadTime: { meanDays: 5, sdDays: 0.5, source: 'measured' },
  supplierOtif: 0.97,
  overseas: false,
  seasonalAvailability: false,
};

export type StoredRecommendation = Partial<Omit<NewRecommendationRow, 'item_id' | 'location_id'>> & {
  computed_at: number;
  data_through: string;
};

/**
 * Writes a `plan_recommendations` row for SKU at LOCATION as the plan service would: the given columns, the rest
 * empty (no levels, no forecast, class A/X, lean, no flags).
 */
export async function storeRecommendation(
  database: Database,
  sku: string,
  location: string,
  row: StoredRecommendation,
): Promise<void> {
  const item = await database.db.selectFrom('items').select('id').where('sku', '=', sku).executeTakeFirstOrThrow();
  const site = await database.db
    .selectFrom('locations')
    .select('id')
    .where('code', '=', location)
    .executeTakeFirstOrThrow();
  await database.db
    .insertInto('plan_recommendations')
    .values({
      kind: 'reorder_point',
      reorder_point_milli: null,
      target_milli: null,
      cards: null,
      container_quantity_milli: null,
      review_days: null,
      safety_stock_milli: null,
      order_quantity_milli: null,
      forecast_method: null,
      demand_class: null,
      mean_per_day: null,
      sd_per_day: null,
      lead_time_days: null,
      lead_time_sd_days: null,
      lead_time_source: null,
      service_level: null,
      service_type: null,
      abc: 'A',
      xyz: 'X',
      strategy: 'lean',
      buffer_days: 0,
      annual_value_minor: null,
      risk_flags: '[]',
      reasons: '[]',
      recommend_input: '{}',
      ...row,
      item_id: item.id,
      location_id: site.id,
    })
    .execute();
}
