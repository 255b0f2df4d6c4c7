import type { Database } from '../../store/database.js';
import type { ProductionOrderStatus } from '../../store/schema.js';
import type { ServiceContext } from '../context.js';
import type { MovementView } from '../ledger.service.js';
import type { Page } from '../pagination.js';
import type { TriggerOutcome } from '../purchasing/replenish.js';

export type ProductionComponentView = {
  sku: string;
  item_name: string;
  unit: string;
  location: string;
  quantity_per: number;
  /** 0.05 = 5 % scrap on top of the quantity per. */
  scrap_factor: number;
  required: number;
  allocated: number;
  backordered: number;
  issued: number;
};

export type ProductionOrderView = {
  id: number;
  number: string;
  sku: string;
  item_name: string;
  unit: string;
  location: string;
  quantity: number;
  completed: number;
  scrapped: number;
  /** Still to make: quantity − completed − scrapped while open; 0 once completed or cancelled. */
  open_quantity: number;
  status: ProductionOrderStatus;
  release_date: string;
  due_date: string;
  bom_version: number;
  /** The customer order it was created for (SO-…), null for a manual one or one kept as free supply. */
  customer_order: string | null;
  note: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  released_at: string | null;
  completed_at: string | null;
  cancelled_at: string | null;
  components: ProductionComponentView[];
};

/** What a write answers: the order after it, the movements it posted and what the trigger did. */
export type ProductionOrderChange = ProductionOrderView & {
  movements: MovementView[];
  triggered: TriggerOutcome[];
};

export type ProductionOrderQuery = {
  status?: string;
  sku?: string;
  customer_order?: string;
  cursor?: string;
  limit?: number;
};

export function productionOrderNumber(id: number): string {
  return `MO-${String(id).padStart(6, '0')}`;
}

/** Creates a planned order `{ sku, location, quantity, due_date, note? }`; release date = due − BOM lead time. */
export async function createProductionOrder(
  _database: Database,
  _raw: unknown,
  _ctx: ServiceContext,
): Promise<ProductionOrderView> {
  throw new Error('not implemented yet');
}

export async function getProductionOrder(_database: Database, _number: string): Promise<ProductionOrderView> {
  throw new Error('not implemented yet');
}

/** Production orders newest first, by status (comma-separated), SKU and customer order. */
export async function listProductionOrders(
  _database: Database,
  _query: ProductionOrderQuery,
): Promise<Page<ProductionOrderView>> {
  throw new Error('not implemented yet');
}

/** Releases a planned order: allocates its components from available stock; the shortfall is backordered. */
export async function releaseProductionOrder(
  _database: Database,
  _number: string,
  _ctx: ServiceContext,
): Promise<ProductionOrderChange> {
  throw new Error('not implemented yet');
}

/**
 * Reports progress `{ quantity, scrap? }`: issues the components for quantity + scrap from their allocation,
 * receives the good quantity of the finished item and fills the customer orders waiting for it.
 */
export async function reportProduction(
  _database: Database,
  _number: string,
  _raw: unknown,
  _ctx: ServiceContext,
): Promise<ProductionOrderChange> {
  throw new Error('not implemented yet');
}

/** Completes `{ quantity?, scrap? }` (default: the rest, good) and closes the order; what is left is released. */
export async function completeProductionOrder(
  _database: Database,
  _number: string,
  _raw: unknown,
  _ctx: ServiceContext,
): Promise<ProductionOrderChange> {
  throw new Error('not implemented yet');
}

/** Cancels `{ reason? }` a planned or released order: releases its component allocations and its on order. */
export async function cancelProductionOrder(
  _database: Database,
  _number: string,
  _raw: unknown,
  _ctx: ServiceContext,
): Promise<ProductionOrderChange> {
  throw new Error('not implemented yet');
}
