import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, type Dialect, openDatabase } from '../../src/store/database.js';
import { createScratchDatabase, type ScratchDatabase, testPostgresUrl } from '../support/dialects.js';
import { expectReservationsConsistent, seedMakeToOrder } from '../support/make-to-order.js';
import type { CustomerOrderWorkerArgs, CustomerOrderWorkerReport } from './customer-order-worker.js';

/*
 * Two processes confirm (and change and cancel) customer orders at once whose lamps compete for the same 60 bulbs.
 * A confirmation locks the balances of every item its explosion reads before it reads them, so of two racing
 * confirmations the second sees the first's allocations and pegs: allocation never exceeds on hand, and the balances'
 * allocated and backordered stay the sums of the pegs.
 */

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const WORKERS = 2;
const BULBS = 60;
const ordersPerWorker = (dialect: Dialect) => (dialect === 'postgres' ? 40 : 15);

function runWorker(args: CustomerOrderWorkerArgs): Promise<CustomerOrderWorkerReport> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(here, 'customer-order-worker.ts'), JSON.stringify(args)],
      { cwd: root, stdio: ['ignore', 'inherit', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', fail);
    child.on('exit', (code) => {
      if (code !== 0) return fail(new Error(`worker ${args.worker} exited with ${code}:\n${stderr}`));
      done(JSON.parse(readFileSync(args.out, 'utf8')) as CustomerOrderWorkerReport);
    });
  });
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  const skip = dialect === 'postgres' && !testPostgresUrl();
  describe.skipIf(skip)(`customer orders confirmed by ${WORKERS} concurrent processes [${dialect}]`, () => {
    const outDir = mkdtempSync(join(tmpdir(), 'leanstock-orders-'));
    let opened: { scratch: ScratchDatabase; database: Database } | undefined;
    afterAll(async () => {
      await opened?.database.close();
      await opened?.scratch.drop();
      rmSync(outDir, { recursive: true, force: true });
    });

    it('never over-allocates: allocated ≤ on hand and Σ allocated pegs = balance allocated', async () => {
      const scratch = await createScratchDatabase(dialect);
      const database = await openDatabase(scratch.config);
      opened = { scratch, database };
      await seedMakeToOrder(database, { bulbStock: BULBS });
      const reports = await Promise.all(
        Array.from({ length: WORKERS }, (_, worker) =>
          runWorker({
            config: scratch.config,
            worker,
            orders: ordersPerWorker(dialect),
            out: join(outDir, `${worker}.json`),
          }),
        ),
      );
      expect(reports.flatMap((r) => r.unexpected)).toEqual([]);
      expect(reports.reduce((sum, r) => sum + r.confirmed, 0)).toBe(WORKERS * ordersPerWorker(dialect));
      expect(reports.reduce((sum, r) => sum + r.cancelled, 0)).toBeGreaterThan(0);

      await expectReservationsConsistent(database);
      const db = database.db;
      const bulb = await db
        .selectFrom('balances as b')
        .innerJoin('items as i', 'i.id', 'b.item_id')
        .selectAll('b')
        .where('i.sku', '=', 'BULB')
        .executeTakeFirstOrThrow();
      expect(Number(bulb.on_hand_milli)).toBe(BULBS * 1000);
      // The orders wanted more bulbs than there are: stock ran out, the rest waits for supply.
      expect(Number(bulb.allocated_milli)).toBeLessThanOrEqual(BULBS * 1000);
      expect(Number(bulb.backordered_milli)).toBeGreaterThan(0);
      // Every lamp still ordered holds exactly its two bulbs in pegs, allocated or waiting.
      const lamps = await db
        .selectFrom('customer_order_lines as l')
        .innerJoin('customer_orders as o', 'o.id', 'l.customer_order_id')
        .innerJoin('items as i', 'i.id', 'l.item_id')
        .select((eb) => eb.fn.sum<number | string>('l.quantity_milli').as('total'))
        .where('o.status', '=', 'confirmed')
        .where('i.sku', '=', 'LAMP')
        .executeTakeFirstOrThrow();
      const bulbPegs = await db
        .selectFrom('pegs')
        .select((eb) => eb.fn.sum<number | string>('quantity_milli').as('total'))
        .where('item_id', '=', Number(bulb.item_id))
        .where('status', 'in', ['allocated', 'waiting'])
        .executeTakeFirstOrThrow();
      expect(Number(bulbPegs.total)).toBe(2 * Number(lamps.total));
      // One production order per explosion of a lamp line, none left over from changes and cancellations.
      const planned = await db
        .selectFrom('production_orders as mo')
        .innerJoin('items as i', 'i.id', 'mo.item_id')
        .select((eb) => eb.fn.sum<number | string>('mo.quantity_milli').as('total'))
        .where('mo.status', '=', 'planned')
        .where('i.sku', '=', 'LAMP')
        .executeTakeFirstOrThrow();
      expect(Number(planned.total)).toBe(Number(lamps.total));
    }, 120_000);
  });
}
