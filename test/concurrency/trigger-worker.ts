/**
 * One process of the trigger concurrency test: posts issues (single ones and small batches, each call
 * tagged with its own reference so the test can replay the calls), and in `churn` mode also sends,
 * receives, closes and cancels purchase orders at random. Reports what it sent and every error; a
 * refusal the races explain (another process sent the order first) is counted, anything else is kept
 * as an unexpected error. Run with `node --import tsx trigger-worker.ts '<json args>'`.
 */
import { writeFileSync } from 'node:fs';
import { isDomainError } from '../../src/domain/errors.js';
import { postMovements } from '../../src/services/ledger.service.js';
import {
  cancelPurchaseOrder,
  closePurchaseOrder,
  listPurchaseOrders,
  type PurchaseOrderView,
  receivePurchaseOrder,
  sendPurchaseOrder,
} from '../../src/services/purchasing/purchase-order.service.js';
import { type DatabaseConfig, openDatabase } from '../../src/store/database.js';

export type TriggerWorkerArgs = {
  config: DatabaseConfig;
  worker: number;
  /** Issues to post, counted one by one (a batch of three counts three). */
  issues: number;
  skus: string[];
  location: string;
  /** `issues`: only issues. `churn`: also purchase order actions between them. */
  mode: 'issues' | 'churn';
  out: string;
};

export type SentLine = { sku: string; location: string; quantity: number };

export type TriggerWorkerReport = {
  worker: number;
  calls: number;
  /** Purchase order actions that succeeded, by action. */
  actions: Record<string, number>;
  /** Lines as `sendPurchaseOrder` answered them, by order id: what the supplier was sent. */
  sent: Record<string, SentLine[]>;
  /** Domain errors the races explain, by code. */
  refusals: Record<string, number>;
  /** Everything else: each one is a bug (a 5xx over HTTP). */
  unexpected: string[];
};

/** Codes a losing racer may legitimately get: the order was sent, cancelled or received by another process first. */
const RACE_CODES = new Set(['LS_INVALID_STATE', 'LS_OVER_RECEIPT']);

const args = JSON.parse(process.argv[2]!) as TriggerWorkerArgs;
const config: DatabaseConfig = args.config.dialect === 'postgres' ? { ...args.config, poolSize: 2 } : args.config;
const database = await openDatabase(config, { migrate: false });
const random = mulberry32(0x7219 + args.worker * 7919);
const pick = (n: number) => Math.floor(random() * n);
const report: TriggerWorkerReport = {
  worker: args.worker,
  calls: 0,
  actions: {},
  sent: {},
  refusals: {},
  unexpected: [],
};
const ctx = () => ({ actor: `worker-${args.worker}`, now: Date.now() });

async function attempt(what: string, work: () => Promise<unknown>): Promise<boolean> {
  report.calls++;
  try {
    await work();
    return true;
  } catch (error) {
    if (isDomainError(error) && RACE_CODES.has(error.code)) {
      report.refusals[error.code] = (report.refusals[error.code] ?? 0) + 1;
    } else {
      const { code, constraint } = error as { code?: string; constraint?: string };
      report.unexpected.push(`${what}: ${code ?? ''} ${constraint ?? ''} ${(error as Error).message}`);
    }
    return false;
  }
}

function counted(action: string): void {
  report.actions[action] = (report.actions[action] ?? 0) + 1;
}

async function openOrders(statuses: string): Promise<PurchaseOrderView[]> {
  return (await listPurchaseOrders(database, { status: statuses, limit: 20 })).data;
}

/** One random purchase order action; racing the other processes for the same orders is the point. */
async function purchaseOrderAction(): Promise<void> {
  const roll = random();
  if (roll < 0.45) {
    const drafts = await openOrders('draft');
    if (drafts.length === 0) return;
    const draft = drafts[pick(drafts.length)]!;
    await attempt(`send ${draft.number}`, async () => {
      const sent = await sendPurchaseOrder(database, draft.id, ctx());
      report.sent[String(sent.id)] = sent.lines.map((l) => ({
        sku: l.sku,
        location: l.location,
        quantity: l.quantity,
      }));
      counted('send');
    });
  } else if (roll < 0.85) {
    const open = await openOrders('sent,confirmed,partly_received');
    if (open.length === 0) return;
    const order = open[pick(open.length)]!;
    // Mostly the whole open quantity; sometimes a part, to leave orders partly received.
    const lines = order.lines
      .filter((l) => l.open_quantity > 0)
      .map((l) => ({
        sku: l.sku,
        location: l.location,
        quantity: random() < 0.7 ? l.open_quantity : Math.floor(l.open_quantity * random() * 1000) / 1000,
      }));
    if (lines.length === 0) return;
    await attempt(`receive ${order.number}`, async () => {
      await receivePurchaseOrder(database, order.id, { lines }, ctx());
      counted('receive');
    });
  } else if (roll < 0.92) {
    const partly = await openOrders('partly_received');
    if (partly.length === 0) return;
    const order = partly[pick(partly.length)]!;
    await attempt(`close ${order.number}`, async () => {
      await closePurchaseOrder(database, order.id, ctx());
      counted('close');
    });
  } else {
    const open = await openOrders('draft,sent');
    if (open.length === 0) return;
    const order = open[pick(open.length)]!;
    await attempt(`cancel ${order.number}`, async () => {
      await cancelPurchaseOrder(database, order.id, { reason: `worker ${args.worker}` }, ctx());
      counted('cancel');
    });
  }
}

let issued = 0;
let call = 0;
while (issued < args.issues) {
  const size = random() < 0.8 ? 1 : Math.min(2 + pick(3), args.issues - issued);
  // Batches often repeat an item: the trigger must see the batch's net dip once, not each issue.
  const skus = Array.from({ length: size }, () => args.skus[pick(args.skus.length)]!);
  if (size > 1 && random() < 0.5) skus[1] = skus[0]!;
  const reference = `w${args.worker}-${call++}`;
  const batch = skus.map((sku) => ({
    type: 'issue',
    sku,
    location: args.location,
    quantity: (500 + pick(14_501)) / 1000,
    reference,
  }));
  issued += size;
  await attempt(`issue ${reference}`, () => postMovements(database, batch, ctx()));
  if (args.mode === 'churn' && random() < 0.12) await purchaseOrderAction();
}
await database.close();
writeFileSync(args.out, JSON.stringify(report));

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
