import type { Insertable, Selectable } from 'kysely';
import type { ReplenishmentPolicy } from '../domain/replenishment/policy.js';
import type { Tx } from './database.js';
import type { PolicyTable } from './schema.js';

export type PolicyRow = Selectable<PolicyTable>;
export type NewPolicyRow = Insertable<PolicyTable>;

/** A policy with the codes of its item, location and supplier, and the balance of that item there. */
export type PolicyRowWithBalance = PolicyRow & {
  sku: string;
  location_code: string;
  supplier_code: string | null;
  on_hand_milli: number | null;
  allocated_milli: number | null;
  on_order_milli: number | null;
  backordered_milli: number | null;
};

export type PolicyRowFilter = {
  itemId?: number;
  locationId?: number;
  kind?: string;
  /** Keyset: only policies after this (sku, location code). */
  after?: { sku: string; location: string };
  limit: number;
};

function selectPolicies(tx: Tx) {
  return tx
    .selectFrom('policies as p')
    .innerJoin('items as i', 'i.id', 'p.item_id')
    .innerJoin('locations as l', 'l.id', 'p.location_id')
    .leftJoin('suppliers as su', 'su.id', 'p.supplier_id')
    .leftJoin('balances as b', (join) =>
      join.onRef('b.item_id', '=', 'p.item_id').onRef('b.location_id', '=', 'p.location_id'),
    )
    .selectAll('p')
    .select([
      'i.sku as sku',
      'l.code as location_code',
      'su.code as supplier_code',
      'b.on_hand_milli as on_hand_milli',
      'b.allocated_milli as allocated_milli',
      'b.on_order_milli as on_order_milli',
      'b.backordered_milli as backordered_milli',
    ]);
}

export async function findPolicyRow(
  tx: Tx,
  itemId: number,
  locationId: number,
): Promise<PolicyRowWithBalance | undefined> {
  return selectPolicies(tx).where('p.item_id', '=', itemId).where('p.location_id', '=', locationId).executeTakeFirst();
}

/** One page of policies ordered by SKU, then location code. */
export async function listPolicyRows(tx: Tx, filter: PolicyRowFilter): Promise<PolicyRowWithBalance[]> {
  let select = selectPolicies(tx);
  if (filter.itemId !== undefined) select = select.where('p.item_id', '=', filter.itemId);
  if (filter.locationId !== undefined) select = select.where('p.location_id', '=', filter.locationId);
  if (filter.kind !== undefined) select = select.where('p.kind', '=', filter.kind);
  const after = filter.after;
  if (after !== undefined) {
    select = select.where((eb) =>
      eb.or([eb('i.sku', '>', after.sku), eb.and([eb('i.sku', '=', after.sku), eb('l.code', '>', after.location)])]),
    );
  }
  return select.orderBy('i.sku').orderBy('l.code').limit(filter.limit).execute();
}

/** Inserts or replaces the policy of one item at one location. */
export async function upsertPolicyRow(tx: Tx, row: NewPolicyRow): Promise<void> {
  const { item_id: _item, location_id: _location, created_at: _created, ...change } = row;
  await tx
    .insertInto('policies')
    .values(row)
    .onConflict((oc) => oc.columns(['item_id', 'location_id']).doUpdateSet(change))
    .execute();
}

export async function deletePolicyRow(tx: Tx, itemId: number, locationId: number): Promise<void> {
  await tx.deleteFrom('policies').where('item_id', '=', itemId).where('location_id', '=', locationId).execute();
}

/** A policy's kind and level columns as stored in `policies` (the ones its kind does not use null). */
export function policyColumns(policy: ReplenishmentPolicy) {
  const columns = {
    kind: policy.kind,
    reorder_point_milli: null as number | null,
    target_milli: null as number | null,
    cards: null as number | null,
    container_quantity_milli: null as number | null,
    review_days: null as number | null,
    review_time: null as string | null,
  };
  switch (policy.kind) {
    case 'reorder_point':
      return { ...columns, reorder_point_milli: policy.reorderPointMilli, target_milli: policy.targetMilli };
    case 'kanban':
      return { ...columns, cards: policy.cards, container_quantity_milli: policy.containerQuantityMilli };
    case 'periodic_review':
      return {
        ...columns,
        review_days: policy.reviewDays,
        review_time: policy.reviewTime,
        target_milli: policy.targetMilli,
      };
    case 'make_to_order':
      return columns;
    case 'manual':
      return { ...columns, reorder_point_milli: policy.reorderPointMilli ?? null };
  }
}
