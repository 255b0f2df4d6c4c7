/**
 * One process of the customer order concurrency test: creates and confirms orders for lamps (2 bulbs each, the
 * contested stocked component) and desks, now and then changes or cancels one of its own. Reports what it did and
 * every error; none is expected. Run with `node --import tsx customer-order-worker.ts '<json args>'`.
 */
import { writeFileSync } from 'node:fs';
import {
  cancelCustomerOrder,
  changeCustomerOrder,
  createCustomerOrder,
} from '../../src/services/production/customer-order.service.js';
import { type DatabaseConfig, openDatabase } from '../../src/store/database.js';

export type CustomerOrderWorkerArgs = {
  config: DatabaseConfig;
  worker: number;
  orders: number;
  out: string;
};

export type CustomerOrderWorkerReport = {
  worker: number;
  confirmed: number;
  changed: number;
  cancelled: number;
  unexpected: string[];
};

const args = JSON.parse(process.argv[2]!) as CustomerOrderWorkerArgs;
const config: DatabaseConfig = args.config.dialect === 'postgres' ? { ...args.config, poolSize: 2 } : args.config;
const database = await openDatabase(config, { migrate: false });
const random = mulberry32(0x5eed + args.worker * 7919);
const pick = (n: number) => Math.floor(random() * n);
const report: CustomerOrderWorkerReport = {
  worker: args.worker,
  confirmed: 0,
  changed: 0,
  cancelled: 0,
  unexpected: [],
};
// Dates are the test's fixed "today" so requested dates never fall in the past.
const ctx = () => ({ actor: `worker-${args.worker}`, now: Date.UTC(2026, 2, 2, 9, 0, 0) });
const own: string[] = [];

async function attempt(what: string, work: () => Promise<unknown>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (error) {
    const { code } = error as { code?: string };
    report.unexpected.push(`${what}: ${code ?? ''} ${(error as Error).message}`);
    return false;
  }
}

for (let i = 0; i < args.orders; i++) {
  const lines = [{ sku: 'LAMP', location: 'MAIN', quantity: 1 + pick(6) }];
  if (pick(3) === 0) lines.push({ sku: 'DESK', location: 'MAIN', quantity: 1 + pick(2) });
  const body = { customer: pick(2) === 0 ? 'ROSSI' : 'BLOM', requested_date: '2026-03-20', confirm: true, lines };
  await attempt('create', async () => {
    const order = await createCustomerOrder(database, body, ctx());
    own.push(order.number);
    report.confirmed++;
  });
  if (i % 4 === 3 && own.length > 0) {
    const number = own[pick(own.length)]!;
    const quantity = 1 + pick(6);
    if (
      await attempt(`change ${number}`, () =>
        changeCustomerOrder(database, number, { lines: [{ line_no: 1, quantity }] }, ctx()),
      )
    ) {
      report.changed++;
    }
  }
  if (i % 5 === 4 && own.length > 0) {
    const number = own.splice(pick(own.length), 1)[0]!;
    if (await attempt(`cancel ${number}`, () => cancelCustomerOrder(database, number, { reason: 'race' }, ctx()))) {
      report.cancelled++;
    }
  }
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
