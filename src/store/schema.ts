import type { Generated } from 'kysely';

/**
 * The database as Kysely sees it. Quantities are `*_milli` (integer thousandths), money `*_minor`
 * (integer minor units of `currency`), instants `*_at` (epoch milliseconds, UTC), flags 0 | 1 so the
 * same SQL runs on SQLite and PostgreSQL.
 */
export type Schema = {
  items: ItemTable;
  locations: LocationTable;
  suppliers: SupplierTable;
  supplier_items: SupplierItemTable;
  movements: MovementTable;
  balances: BalanceTable;
  policies: PolicyTable;
  audit_log: AuditLogTable;
  idempotency_keys: IdempotencyKeyTable;
};

export type Flag = 0 | 1;

export type ItemTable = {
  id: Generated<number>;
  sku: string;
  name: string;
  unit: string;
  category: string | null;
  unit_cost_minor: number | null;
  currency: string;
  shelf_life_days: number | null;
  criticality: string;
  allow_negative: Flag;
  active: Flag;
  created_at: number;
  updated_at: number;
};

export type LocationTable = {
  id: Generated<number>;
  code: string;
  name: string;
  kind: string;
  parent_id: number | null;
  /** The site this location belongs to: its own id for a site. */
  site_id: number | null;
  /** IANA zone; set on sites, null on bins (they use their site's). */
  time_zone: string | null;
  active: Flag;
  created_at: number;
  updated_at: number;
};

export type SupplierTable = {
  id: Generated<number>;
  code: string;
  name: string;
  email: string | null;
  lead_time_days: number | null;
  ordering_cost_minor: number | null;
  currency: string;
  active: Flag;
  created_at: number;
  updated_at: number;
};

export type SupplierItemTable = {
  id: Generated<number>;
  item_id: number;
  supplier_id: number;
  supplier_sku: string | null;
  unit_price_minor: number | null;
  currency: string;
  /** JSON array of `{ min_quantity_milli, unit_price_minor }`, ascending. */
  price_breaks: string;
  lead_time_days: number | null;
  moq_milli: number | null;
  pack_size_milli: number | null;
  rank: number;
  active: Flag;
  created_at: number;
  updated_at: number;
};

export type MovementTable = {
  id: Generated<number>;
  type: string;
  item_id: number;
  location_id: number;
  /** Signed change of on hand. */
  quantity_milli: number;
  /** For counts: the counted quantity; the ledger holds the difference in `quantity_milli`. */
  counted_milli: number | null;
  occurred_at: number;
  recorded_at: number;
  reason: string | null;
  reference: string | null;
  actor: string;
  idempotency_key: string | null;
  /** Shared by the two legs of a transfer. */
  transfer_id: string | null;
  /** The movement this one reverses. */
  reverses_id: number | null;
  /** Room for lots/batches with expiry dates (a later issue); null means "no lot". */
  lot_id: number | null;
};

export type BalanceTable = {
  item_id: number;
  location_id: number;
  on_hand_milli: number;
  allocated_milli: number;
  on_order_milli: number;
  updated_at: number;
};

/** One replenishment policy per item × location; the columns of other kinds are null. */
export type PolicyTable = {
  item_id: number;
  location_id: number;
  kind: string;
  /** s of `reorder_point`; the optional reorder point of `manual`. */
  reorder_point_milli: number | null;
  /** S of `reorder_point` and `periodic_review`. */
  target_milli: number | null;
  cards: number | null;
  container_quantity_milli: number | null;
  supplier_id: number | null;
  review_days: number | null;
  /** Local HH:MM of the site. */
  review_time: string | null;
  created_at: number;
  updated_at: number;
};

export type AuditLogTable = {
  id: Generated<number>;
  at: number;
  actor: string;
  entity: string;
  entity_key: string;
  action: string;
  before: string | null;
  after: string | null;
};

export type IdempotencyKeyTable = {
  key: string;
  scope: string;
  request_hash: string;
  status_code: number;
  response: string;
  created_at: number;
};
