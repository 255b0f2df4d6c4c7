import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { postMovements } from '../src/services/ledger.service.js';
import { openDatabase } from '../src/store/database.js';
import { seedBenchCatalogue } from './support/catalogue.js';
import { memoryOf, round } from './support/environment.js';
import { LOCATION_CODES, mulberry32, skuOf } from './support/workload.js';

export const HTTP_TARGETS = { requests_per_second: 3000, p99_ms: 20 };

export type HttpResult = {
  server: string;
  items: number;
  locations: number;
  connections: number;
  duration_s: number;
  requests: number;
  requests_per_second: number;
  latency_ms: { average: number; p50: number; p90: number; p99: number; max: number };
  non_2xx: number;
  errors: number;
  movements_recorded: number;
  targets: typeof HTTP_TARGETS;
  met: boolean;
  memory: {
    after_start: { peak_rss_mib: number; rss_mib: number } | undefined;
    after_load: { peak_rss_mib: number; rss_mib: number } | undefined;
  };
};

const OPENING_STOCK = 1_000_000;

/**
 * Single-movement POSTs from `connections` concurrent clients against a real `leanstock serve` process
 * on SQLite with `items` items at 2 sites. Bodies vary: random item and site, receipts, issues and sales
 * of 1–20 units (the opening stock is large enough that none is refused), each with its own idempotency key.
 */
export async function benchHttp(options: {
  root: string;
  items: number;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}): Promise<HttpResult> {
  const dir = mkdtempSync(join(tmpdir(), 'leanstock-bench-http-'));
  const path = join(dir, 'http.db');
  const locations = LOCATION_CODES.slice(0, 2);
  const skus = Array.from({ length: options.items }, (_, i) => skuOf(i));
  let server: ChildProcess | undefined;
  try {
    const database = await openDatabase({ dialect: 'sqlite', path });
    await seedBenchCatalogue(database, skus, locations, Date.now());
    const opening = skus.flatMap((sku) =>
      locations.map((location) => ({ type: 'receipt', sku, location, quantity: OPENING_STOCK, reference: 'opening' })),
    );
    for (let start = 0; start < opening.length; start += 10_000) {
      await postMovements(database, opening.slice(start, start + 10_000), { actor: 'bench', now: Date.now() });
    }
    await database.close();

    const started = await startServer(options.root, path);
    server = started.child;
    const afterStart = memoryOf(server.pid!);

    const random = mulberry32(7);
    let serial = 0;
    const body = () => {
      const roll = random();
      const type = roll < 0.45 ? 'receipt' : roll < 0.85 ? 'issue' : 'sale';
      serial++;
      return JSON.stringify({
        type,
        sku: skus[Math.floor(random() * skus.length)],
        location: locations[Math.floor(random() * locations.length)],
        quantity: 1 + Math.floor(random() * 20),
        reference: type === 'receipt' ? `PO-${serial % 5000}` : `SO-${serial % 5000}`,
        idempotency_key: `bench-${process.pid}-${serial}`,
      });
    };
    const run = (seconds: number) =>
      autocannon({
        url: started.url,
        connections: options.connections,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            path: '/api/v1/movements',
            headers: { 'content-type': 'application/json', 'x-actor': 'bench' },
            setupRequest: (request) => ({ ...request, body: body() }),
          },
        ],
      });
    const warmup = options.warmupSeconds > 0 ? (await run(options.warmupSeconds))['2xx'] : 0;
    const result = await run(options.durationSeconds);
    const afterLoad = memoryOf(server.pid!);
    await stopServer(server);
    server = undefined;

    const check = await openDatabase({ dialect: 'sqlite', path }, { migrate: false });
    const [{ n }] = (await check.db
      .selectFrom('movements')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .execute()) as [{ n: number }];
    await check.close();

    const requestsPerSecond = Math.round(result['2xx'] / result.duration);
    const latency = {
      average: round(result.latency.average, 2),
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    };
    return {
      server: 'bin/leanstock serve (SQLite, LOG_LEVEL=warn)',
      items: options.items,
      locations: locations.length,
      connections: options.connections,
      duration_s: round(result.duration, 2),
      requests: result['2xx'],
      requests_per_second: requestsPerSecond,
      latency_ms: latency,
      non_2xx: result.non2xx,
      errors: result.errors,
      movements_recorded: Number(n) - opening.length - warmup,
      targets: HTTP_TARGETS,
      met:
        requestsPerSecond >= HTTP_TARGETS.requests_per_second &&
        latency.p99 <= HTTP_TARGETS.p99_ms &&
        result.non2xx === 0 &&
        result.errors === 0,
      memory: { after_start: afterStart, after_load: afterLoad },
    };
  } finally {
    if (server) await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

function startServer(root: string, path: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/leanstock'), 'serve', '--db', path, '--port', '0'], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: '' },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /API\s+(http:\/\/\S+?)\/api\/v1/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]! });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${stderr}`));
    });
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
