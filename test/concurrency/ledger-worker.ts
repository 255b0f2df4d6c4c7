/**
 * One writer process for the ledger concurrency test: posts movements (single posts and small batches,
 * receipts and issues, each with its own idempotency key, some retried) and reports which keys the
 * service acknowledged. Run with `node --import tsx ledger-worker.ts '<json args>'`.
 */
import { writeFileSync } from 'node:fs';
import { isDomainError } from '../../src/domain/errors.js';
import { postMovements } from '../../src/services/ledger.service.js';
import { type DatabaseConfig, openDatabase } from '../../src/store/database.js';

export type WorkerArgs = {
  config: DatabaseConfig;
  worker: number;
  movements: number;
  skus: string[];
  location: string;
  /** Keys every worker posts with the same request: exactly one copy may be recorded. */
  sharedKeys: number;
  out: string;
};

export type WorkerReport = {
  worker: number;
  /** Idempotency key → id of the movement the service answered with. */
  acknowledged: Record<string, number>;
  /** Keys of movements refused (and never acknowledged by a later retry). */
  refused: string[];
  calls: number;
  retries: number;
  replays: number;
};

const args = JSON.parse(process.argv[2]!) as WorkerArgs;
const config: DatabaseConfig = args.config.dialect === 'postgres' ? { ...args.config, poolSize: 2 } : args.config;
const database = await openDatabase(config, { migrate: false });
const random = mulberry32(0x5eed + args.worker);
const pick = (n: number) => Math.floor(random() * n);

const report: WorkerReport = { worker: args.worker, acknowledged: {}, refused: [], calls: 0, retries: 0, replays: 0 };
const refused = new Set<string>();
type Raw = { type: string; sku: string; location: string; quantity: number; idempotency_key: string };

async function post(batch: Raw[]): Promise<void> {
  report.calls++;
  try {
    const outcomes = await postMovements(database, batch, { actor: `worker-${args.worker}`, now: Date.now() });
    outcomes.forEach((outcome, i) => {
      const key = batch[i]!.idempotency_key;
      const id = outcome.movements[0]!.id;
      if (outcome.replayed) report.replays++;
      const earlier = report.acknowledged[key];
      if (earlier !== undefined && earlier !== id) throw new Error(`key ${key} answered ${earlier}, then ${id}`);
      report.acknowledged[key] = id;
      refused.delete(key);
    });
  } catch (error) {
    if (!isDomainError(error) || error.code !== 'LS_NEGATIVE_STOCK') throw error;
    for (const raw of batch)
      if (report.acknowledged[raw.idempotency_key] === undefined) refused.add(raw.idempotency_key);
  }
}

let posted = 0;
let shared = 0;
const sharedEvery = Math.max(1, Math.floor(args.movements / Math.max(1, args.sharedKeys)));
while (posted < args.movements) {
  const size = random() < 0.5 ? 1 : Math.min(2 + pick(7), args.movements - posted);
  const batch: Raw[] = [];
  for (let i = 0; i < size; i++) {
    const receipt = random() < 0.55;
    batch.push({
      type: receipt ? 'receipt' : 'issue',
      sku: args.skus[pick(args.skus.length)]!,
      location: args.location,
      quantity: (1 + pick(receipt ? 10_000 : 12_000)) / 1000,
      idempotency_key: `w${args.worker}-${posted + i}`,
    });
  }
  posted += size;
  await post(batch);
  if (random() < 0.03) {
    report.retries++;
    await post(batch);
  }
  if (shared < args.sharedKeys && posted >= shared * sharedEvery) {
    // Every worker sends this same receipt, twice at once: as if one scanner's retries reached several servers.
    const receipt = { type: 'receipt', sku: args.skus[0]!, location: args.location, quantity: 1 };
    await Promise.all([1, 2].map(() => post([{ ...receipt, idempotency_key: `shared-${shared}` }])));
    shared++;
  }
}
report.refused = [...refused];
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
