import type { Generated } from 'kysely';
import type { PurchaseOrderStatus } from '../domain/purchasing/purchase-order.js';

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
  purchase_orders: PurchaseOrderTable;
  purchase_order_lines: PurchaseOrderLineTable;
  purchase_order_receipts: PurchaseOrderReceiptTable;
  supplier_item_prices: SupplierItemPriceTable;
  review_items: ReviewItemTable;
  kanban_loops: KanbanLoopTable;
  kanban_cards: KanbanCardTable;
  outbox_events: OutboxEventTable;
  webhook_subscriptions: WebhookSubscriptionTable;
  webhook_deliveries: WebhookDeliveryTable;
  event_relay_state: EventRelayStateTable;
  demand_history: DemandHistoryTable;
  planning_state: PlanningStateTable;
  planning_settings: PlanningSettingTable;
  plan_recommendations: PlanRecommendationTable;
  plan_changes: PlanChangeTable;
  lead_time_baselines: LeadTimeBaselineTable;
  count_tasks: CountTaskTable;
  simulation_scenarios: SimulationScenarioTable;
  simulation_jobs: SimulationJobTable;
  audit_log: AuditLogTable;
  idempotency_keys: IdempotencyKeyTable;
  customers: CustomerTable;
  boms: BomTable;
  bom_lines: BomLineTable;
  customer_orders: CustomerOrderTable;
  customer_order_lines: CustomerOrderLineTable;
  production_orders: ProductionOrderTable;
  production_order_components: ProductionOrderComponentTable;
  pegs: PegTable;
  order_supplies: OrderSupplyTable;
  users: UserTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  recovery_codes: RecoveryCodeTable;
  invitations: InvitationTable;
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
  /** Send a draft purchase order without a person once its consolidation window has passed. */
  auto_send: Generated<Flag>;
  /** Comma-separated ISO weekdays (1 = Monday … 7 = Sunday) on which orders go out; null = any day. */
  order_days: string | null;
  /** How long a draft collects lines before it may be sent automatically. */
  consolidation_minutes: Generated<number>;
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
  /** Demand committed here that stock on hand does not cover yet: it waits for pegged supply (migration 010). */
  backordered_milli: Generated<number>;
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
  /** Local date of the first periodic review; reviews fall every `review_days` after it. */
  review_anchor_date: string | null;
  /** The next periodic review not yet carried out (claimed by compare-and-set, so it runs exactly once). */
  next_review_at: number | null;
  /** Whether the planner may change it: 'auto', 'pinned' or 'override' (see migration 007). */
  planning: Generated<PlanningMode>;
  created_at: number;
  updated_at: number;
};

export type PlanningMode = 'auto' | 'pinned' | 'override';

/** One item × location's daily demand over the history window, packed (see migration 007). */
export type DemandHistoryTable = {
  item_id: number;
  location_id: number;
  /** The site-local date of day 0, YYYY-MM-DD. */
  start_date: string;
  days: number;
  /** Float64 little-endian, units per day, one per day. */
  demand: Uint8Array;
  /** One byte per day: 1 when the location had no stock that day. */
  stock_out: Uint8Array;
  through_movement_id: number;
  updated_at: number;
};

export type PlanningStateTable = { name: string; value: string; updated_at: number };

export type PlanningSettingTable = { key: string; value: string; updated_at: number; updated_by: string };

export type PlanRecommendationTable = {
  item_id: number;
  location_id: number;
  computed_at: number;
  /** The last site-local date of demand history the recommendation used. */
  data_through: string;
  kind: string;
  reorder_point_milli: number | null;
  target_milli: number | null;
  cards: number | null;
  container_quantity_milli: number | null;
  review_days: number | null;
  safety_stock_milli: number | null;
  order_quantity_milli: number | null;
  forecast_method: string | null;
  demand_class: string | null;
  mean_per_day: number | null;
  sd_per_day: number | null;
  lead_time_days: number | null;
  lead_time_sd_days: number | null;
  lead_time_source: string | null;
  service_level: number | null;
  service_type: string | null;
  abc: string | null;
  xyz: string | null;
  strategy: string;
  buffer_days: number | null;
  annual_value_minor: number | null;
  /** JSON array of risk flags. */
  risk_flags: string;
  /** JSON array of sentences: why this strategy. */
  reasons: string;
  /**
   * JSON: the policy engine's input (without the strategy's reasons, which are in `reasons`); the explanation is made
   * again from it when asked for, so a plan of the whole catalogue does not write every formula of every pair.
   */
  recommend_input: string;
};

export type PlanChangeTable = {
  id: Generated<number>;
  at: number;
  actor: string;
  /** 'plan_apply' | 'accept' | 'lead_time_shift' | 'auto_replan'. */
  cause: string;
  item_id: number;
  location_id: number;
  /** JSON of the policy before (null: there was none). */
  before: string | null;
  after: string | null;
  note: string | null;
};

export type LeadTimeBaselineTable = {
  supplier_item_id: number;
  mean_days: number;
  sd_days: number;
  receipts: number;
  shifted_at: number | null;
  updated_at: number;
};

export type CountTaskTable = {
  id: Generated<number>;
  item_id: number;
  location_id: number;
  abc: string;
  /** Site-local date, YYYY-MM-DD. */
  due_date: string;
  /** 'open' | 'counted' | 'cancelled'. */
  status: string;
  expected_milli: number | null;
  counted_milli: number | null;
  movement_id: number | null;
  created_at: number;
  counted_at: number | null;
  counted_by: string | null;
};

/** A saved what-if scenario: its canonical JSON (see domain/simulation/scenario.ts). */
export type SimulationScenarioTable = {
  name: string;
  description: string | null;
  definition: string;
  created_at: number;
  updated_at: number;
  updated_by: string;
};

export type SimulationJobStatus = 'queued' | 'running' | 'done' | 'failed';

/** A simulation run by a server process (see migration 009). */
export type SimulationJobTable = {
  id: Generated<number>;
  status: SimulationJobStatus;
  /** 0–1. */
  progress: number;
  /** The saved scenario it ran, if any (the scenario itself is copied into `scenario`). */
  scenario_name: string | null;
  /** Canonical JSON of the scenario as run. */
  scenario: string;
  /** JSON of the report when done. */
  result: string | null;
  error: string | null;
  created_by: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  /** Refreshed while the job is queued or running in a live process. */
  heartbeat_at: number | null;
};

export type { PurchaseOrderStatus };

export type PurchaseOrderTable = {
  id: Generated<number>;
  supplier_id: number;
  status: PurchaseOrderStatus;
  /** 1 on the one draft per supplier that the trigger adds lines to (a unique partial index). */
  collecting: Flag;
  currency: string;
  note: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
  confirmed_at: number | null;
  /** The supplier's promised delivery date, YYYY-MM-DD. */
  promised_date: string | null;
  received_at: number | null;
  closed_at: number | null;
  cancelled_at: number | null;
  cancel_reason: string | null;
  emailed_at: number | null;
};

export type PurchaseOrderLineTable = {
  id: Generated<number>;
  purchase_order_id: number;
  item_id: number;
  location_id: number;
  supplier_item_id: number | null;
  quantity_milli: number;
  received_milli: Generated<number>;
  rejected_milli: Generated<number>;
  unit_price_minor: number | null;
  currency: string;
  /** How the price was chosen: list_price | break_reached | raised_to_break | contract | no_price. */
  price_rule: string | null;
  price_note: string | null;
  /** What drafted the line: reorder_point | periodic_review | kanban | make_to_order | manual. */
  origin: string;
  trigger_note: string | null;
  /** The supplier item's lead time when drafted, days. */
  lead_time_days: number | null;
  expected_date: string | null;
  first_received_at: number | null;
  received_at: number | null;
  /** Sent → fully received, days (fractional). */
  actual_lead_time_days: number | null;
  on_time: Flag | null;
  in_full: Flag | null;
  created_at: number;
  updated_at: number;
};

export type PurchaseOrderReceiptTable = {
  id: Generated<number>;
  purchase_order_line_id: number;
  received_milli: number;
  rejected_milli: number;
  reject_reason: string | null;
  movement_id: number | null;
  actor: string;
  received_at: number;
};

export type SupplierItemPriceTable = {
  id: Generated<number>;
  supplier_item_id: number;
  /** `contract` (valid_from … valid_to) or `purchase` (paid on a purchase order line). */
  kind: string;
  unit_price_minor: number;
  currency: string;
  valid_from: string | null;
  valid_to: string | null;
  purchase_order_line_id: number | null;
  recorded_at: number;
};

export type ReviewItemTable = {
  id: Generated<number>;
  item_id: number;
  location_id: number | null;
  reason: string;
  message: string;
  created_at: number;
  updated_at: number;
  resolved_at: number | null;
  resolved_by: string | null;
};

export type KanbanCardState = 'full' | 'empty' | 'ordered' | 'in_transit';

export type KanbanLoopTable = {
  id: Generated<number>;
  item_id: number;
  location_id: number;
  supplier_id: number | null;
  cards: number;
  container_quantity_milli: number;
  active: Flag;
  created_at: number;
  updated_at: number;
};

export type KanbanCardTable = {
  /** Stable and unguessable: printed on the label and in its QR code. */
  id: string;
  loop_id: number;
  number: number;
  state: KanbanCardState;
  purchase_order_line_id: number | null;
  active: Flag;
  signalled_at: number | null;
  signalled_by: string | null;
  updated_at: number;
};

export type OutboxEventTable = {
  id: Generated<number>;
  type: string;
  /** What the event is about, e.g. `BOLT-M8X40@WS` or `PO-12`, for filtering. */
  subject: string | null;
  /** JSON. */
  payload: string;
  created_at: number;
};

export type WebhookSubscriptionTable = {
  id: Generated<number>;
  url: string;
  /** JSON array of patterns: `*`, exact types (`purchase_order.sent`) or prefixes (`purchase_order.*`). */
  event_types: string;
  /** HMAC-SHA256 key of the `Leanstock-Signature` header; shown once, at creation. */
  secret: string;
  active: Flag;
  description: string | null;
  created_at: number;
  updated_at: number;
};

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export type WebhookDeliveryTable = {
  id: Generated<number>;
  subscription_id: number;
  event_id: number;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** When the next attempt is due; while one is under way, the end of its lease. Null once settled. */
  next_attempt_at: number | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: number | null;
  created_at: number;
  updated_at: number;
};

/** Where the outbox relay is: every id ≤ `scanned_to` was seen, except `gaps` (JSON), still awaited. */
export type EventRelayStateTable = {
  name: string;
  scanned_to: number;
  gaps: string;
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

/** Make-to-order and production (see migration 010). */
export type CustomerTable = {
  id: Generated<number>;
  code: string;
  name: string;
  email: string | null;
  active: Flag;
  created_at: number;
  updated_at: number;
};

export type BomTable = {
  id: Generated<number>;
  item_id: number;
  version: number;
  /** valid_from ≤ date < valid_to, YYYY-MM-DD; null is open. */
  valid_from: string | null;
  valid_to: string | null;
  lead_time_days: number;
  note: string | null;
  created_by: string;
  created_at: number;
};

export type BomLineTable = {
  id: Generated<number>;
  bom_id: number;
  position: number;
  component_item_id: number;
  quantity_per_milli: number;
  /** Basis points: 500 = 5 % scrap on top of the quantity per. */
  scrap_bp: number;
  unit: string;
};

export type CustomerOrderStatus = 'draft' | 'confirmed' | 'shipped' | 'cancelled';

export type CustomerOrderTable = {
  id: Generated<number>;
  number: string;
  customer_id: number;
  status: CustomerOrderStatus;
  requested_date: string | null;
  promised_date: string | null;
  late_risk: Flag;
  late_risk_note: string | null;
  note: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
  confirmed_at: number | null;
  shipped_at: number | null;
  cancelled_at: number | null;
  cancel_reason: string | null;
};

export type CustomerOrderLineTable = {
  id: Generated<number>;
  customer_order_id: number;
  line_no: number;
  item_id: number;
  location_id: number;
  quantity_milli: number;
  requested_date: string;
  promised_date: string | null;
  allocated_milli: number;
  backordered_milli: number;
  shipped_milli: number;
};

export type ProductionOrderStatus = 'planned' | 'released' | 'completed' | 'cancelled';

export type ProductionOrderTable = {
  id: Generated<number>;
  number: string;
  item_id: number;
  location_id: number;
  bom_id: number;
  quantity_milli: number;
  completed_milli: number;
  scrapped_milli: number;
  status: ProductionOrderStatus;
  release_date: string;
  due_date: string;
  customer_order_id: number | null;
  note: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
  released_at: number | null;
  completed_at: number | null;
  cancelled_at: number | null;
};

export type ProductionOrderComponentTable = {
  id: Generated<number>;
  production_order_id: number;
  item_id: number;
  location_id: number;
  quantity_per_milli: number;
  scrap_bp: number;
  required_milli: number;
  allocated_milli: number;
  backordered_milli: number;
  issued_milli: number;
};

export type PegDemandKind = 'customer_order_line' | 'production_component';
export type PegSupplyKind = 'stock' | 'purchase_order_line' | 'production_order';
export type PegStatus = 'allocated' | 'waiting' | 'consumed' | 'cancelled';

/** Which supply serves which demand, and for which customer order line in the end. */
export type PegTable = {
  id: Generated<number>;
  customer_order_id: number | null;
  customer_order_line_id: number | null;
  level: number;
  item_id: number;
  location_id: number;
  demand_kind: PegDemandKind;
  demand_id: number;
  supply_kind: PegSupplyKind;
  supply_id: number | null;
  quantity_milli: number;
  need_date: string;
  supply_date: string;
  status: PegStatus;
  created_at: number;
  updated_at: number;
};

/** What confirming a customer order created: undone exactly when the order changes or is cancelled. */
export type OrderSupplyTable = {
  id: Generated<number>;
  customer_order_id: number;
  kind: 'purchase_order_line' | 'production_order';
  supply_id: number;
  /** The supply's item and location, and a purchase line's order (null for a production order), kept when a
   *  purchase line is taken back to 0 and removed. */
  item_id: number;
  location_id: number;
  purchase_order_id: number | null;
  quantity_milli: number;
  created_at: number;
  cancelled_at: number | null;
};

export type UserTable = {
  id: Generated<number>;
  username: string;
  name: string | null;
  email: string | null;
  role: string;
  password_hash: string | null;
  active: Generated<Flag>;
  mfa_secret: string | null;
  mfa_enabled: Generated<Flag>;
  mfa_last_step: number | null;
  failed_logins: Generated<number>;
  locked_until: number | null;
  last_login_at: number | null;
  created_at: number;
  updated_at: number;
};

export type SessionTable = {
  id: Generated<number>;
  user_id: number;
  token_hash: string;
  csrf_token: string;
  /** How the user signed in: `password` or `oidc`. */
  method: string;
  address: string | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
};

export type ApiTokenTable = {
  id: Generated<number>;
  user_id: number;
  name: string;
  role: string;
  token_hash: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
};

export type RecoveryCodeTable = {
  id: Generated<number>;
  user_id: number;
  code_hash: string;
  used_at: number | null;
};

export type InvitationTable = {
  id: Generated<number>;
  token_hash: string;
  role: string;
  email: string | null;
  setup: Generated<Flag>;
  created_by: string;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  accepted_user_id: number | null;
  revoked_at: number | null;
};
