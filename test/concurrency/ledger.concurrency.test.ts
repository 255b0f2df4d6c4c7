import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { postMovements, reverseMovement } from '../../src/services/ledger.service.js';
import { type Database, openDatabase } from '../../src/store/database.js';
import { createScratchDatabase, type ScratchDatabase, testPostgresUrl } from '../support/dialects.js';
import { seedCatalogue } from '../support/fixtures.js';
import type { WorkerArgs, WorkerReport } from './ledger-worker.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const WORKERS = 4;
const MOVEMENTS_PER_WORKER = 2_000;
const SHARED_KEYS = 10;
const SKUS = Array.from({ length: 20 }, (_, i) => `SKU-${String(i).padStart(2, '0')}`);

/** Runs one worker process to completion and returns its report. */
function runWorker(args: WorkerArgs): Promise<WorkerReport> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'ledger-worker.ts'), JSON.stringify(args)], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', fail);
    child.on('exit', (code) => {
      if (code !== 0) return fail(new Error(`worker ${args.worker} exited with ${code}:\n${stderr}`));
      done(JSON.parse(readFileSync(args.out, 'utf8')) as WorkerReport);
    });
  });
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  const skip = dialect === 'postgres' && !testPostgresUrl();
  describe.skipIf(skip)(`ledger under ${WORKERS} concurrent processes [${dialect}]`, () => {
    let scratch: ScratchDatabase | undefined;
    let database: Database | undefined;
    const outDir = mkdtempSync(join(tmpdir(), 'leanstock-concurrency-'));
    afterAll(async () => {
      await database?.close();
      await scratch?.drop();
      rmSync(outDir, { recursive: true, force: true });
    });

    it('every acknowledged movement is recorded exactly once, nothing else is, and balances equal the ledger', async () => {
      scratch = await createScratchDatabase(dialect);
      database = await openDatabase(scratch.config);
      await seedCatalogue(database, { items: SKUS, locations: ['WH'] });

      const reports = await Promise.all(
        Array.from({ length: WORKERS }, (_, worker) =>
          runWorker({
            config: scratch!.config,
            worker,
            movements: MOVEMENTS_PER_WORKER,
            skus: SKUS,
            location: 'WH',
            sharedKeys: SHARED_KEYS,
            out: join(outDir, `worker-${worker}.json`),
          }),
        ),
      );

      const rows = await database.db
        .selectFrom('movements')
        .select(['id', 'idempotency_key', 'item_id', 'quantity_milli'])
        .execute();
      const recorded = new Map<string, number[]>();
      for (const row of rows) {
        expect(row.idempotency_key, `movement ${row.id} has a key`).not.toBeNull();
        recorded.set(row.idempotency_key!, [...(recorded.get(row.idempotency_key!) ?? []), row.id]);
      }

      const acknowledged = new Map<string, number>();
      for (const report of reports) {
        for (const [key, id] of Object.entries(report.acknowledged)) {
          // A key acknowledged by several workers (the shared ones) must name the same movement everywhere.
          if (acknowledged.has(key)) expect(id, key).toBe(acknowledged.get(key));
          acknowledged.set(key, id);
        }
      }
      const refused = reports.flatMap((report) => report.refused);
      // The mix really did exercise the refusal and the retry paths.
      expect(refused.length).toBeGreaterThan(50);
      expect(reports.reduce((sum, r) => sum + r.replays, 0)).toBeGreaterThan(SHARED_KEYS);

      for (const [key, id] of acknowledged) expect(recorded.get(key), key).toEqual([id]);
      for (const key of refused) expect(recorded.has(key), key).toBe(false);
      expect(rows.length).toBe(acknowledged.size);
      for (let shared = 0; shared < SHARED_KEYS; shared++) expect(recorded.get(`shared-${shared}`)).toHaveLength(1);

      const sums = new Map<number, number>();
      for (const row of rows) sums.set(row.item_id, (sums.get(row.item_id) ?? 0) + row.quantity_milli);
      const balances = await database.db.selectFrom('balances').select(['item_id', 'on_hand_milli']).execute();
      for (const balance of balances) {
        expect(balance.on_hand_milli, `item ${balance.item_id}`).toBe(sums.get(balance.item_id) ?? 0);
        expect(balance.on_hand_milli).toBeGreaterThanOrEqual(0);
      }
      expect(new Set(balances.map((b) => b.item_id))).toEqual(new Set(sums.keys()));
    }, 90_000);

    it('racing reversals of one movement record one reversal and refuse the others as already reversed', async () => {
      const own = await createScratchDatabase(dialect);
      const db = await openDatabase(own.config);
      try {
        await seedCatalogue(db, { items: ['RACE'], locations: ['A', 'B'] });
        const ctx = { actor: 'racer', now: Date.now() };
        await postMovements(db, [{ type: 'receipt', sku: 'RACE', location: 'A', quantity: 100 }], ctx);
        for (let round = 0; round < 10; round++) {
          const [transfer] = await postMovements(
            db,
            [{ type: 'transfer', sku: 'RACE', from: 'A', to: 'B', quantity: 4 }],
            ctx,
          );
          // Reversing the inbound leg takes stock out of B: a loser that read B before the winner committed
          // must still answer "already reversed", not "negative stock" and not a constraint violation.
          const id = transfer!.movements[1]!.id;
          const results = await Promise.allSettled(
            Array.from({ length: 4 }, () => reverseMovement(db, id, { reason: 'race' }, ctx)),
          );
          const codes = results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { code?: string }).code));
          expect(codes.sort()).toEqual(['LS_ALREADY_REVERSED', 'LS_ALREADY_REVERSED', 'LS_ALREADY_REVERSED', 'ok']);
        }
        const stock = await db.db.selectFrom('balances').select('on_hand_milli').orderBy('location_id').execute();
        expect(stock.map((b) => b.on_hand_milli)).toEqual([100_000, 0]);
      } finally {
        await db.close();
        await own.drop();
      }
    });
  });
}
