import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startServer } from '../src/api/server.js';
import { webAppRoot } from '../src/api/web-app.js';
import { writeDemo } from '../src/services/demo.service.js';
import { openDatabase } from '../src/store/database.js';
import { round } from './support/environment.js';

/** Issue 6: a usable dashboard on the demo database in under 1.5 s; initial JavaScript under 300 KB gzipped. */
export const WEB_TARGET_SECONDS = 1.5;
export const WEB_TARGET_JS_KIB = 300;

export type WebBenchResult = {
  demo: { items: number; days: number; movements: number };
  rounds: number;
  /** Navigation start to the dashboard's figures and action lists drawn, each in a fresh browser context (cold cache). */
  usable_seconds: { median: number; min: number; max: number; all: number[] };
  /** The same call the dashboard waits longest for (GET /metrics), fetched alone: the baseline the page adds to. */
  metrics_api_seconds: { median: number; all: number[] };
  ratio_to_metrics_api: number;
  initial_js: { files: string[]; bytes: number; gzip_kib: number };
  initial_css_gzip_kib: number;
  met: { usable: boolean; js: boolean };
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The JavaScript and CSS that index.html loads before anything else (its script, module preloads and stylesheet). */
function initialAssets(root: string): { js: string[]; css: string[] } {
  const html = readFileSync(join(root, 'index.html'), 'utf8');
  const js = [
    ...html.matchAll(/<script[^>]+src="([^"]+)"/g),
    ...html.matchAll(/rel="modulepreload"[^>]+href="([^"]+)"/g),
  ].map((m) => m[1]!);
  const css = [...html.matchAll(/rel="stylesheet"[^>]+href="([^"]+)"/g)].map((m) => m[1]!);
  return { js, css };
}

const gzipKib = (root: string, files: string[]) =>
  files.reduce((sum, file) => sum + gzipSync(readFileSync(join(root, file.replace(/^\//, '')))).length, 0) / 1024;

/**
 * The web benchmark: the default demo (300 items, 730 days) written to a temporary SQLite file (not timed), the
 * server started on it with the built app, then Debian's Chromium opens `/` in a fresh context `rounds` times and the
 * time to a usable dashboard is taken from the navigation's start to the moment the figures and the drafted orders
 * are on screen.
 */
export async function benchWeb(
  options: { rounds?: number; items?: number; days?: number } = {},
): Promise<WebBenchResult> {
  const rounds = options.rounds ?? 7;
  const items = options.items ?? 300;
  const days = options.days ?? 730;
  const root = webAppRoot();
  const assets = initialAssets(root);
  const dir = mkdtempSync(join(tmpdir(), 'leanstock-bench-web-'));
  const path = join(dir, 'demo.db');
  const database = await openDatabase({ dialect: 'sqlite', path });
  const demo = await writeDemo(database, { seed: 42, itemCount: items, days }, { actor: 'bench', now: Date.now() });
  await database.close();
  const server = await startServer({
    config: { dialect: 'sqlite', path },
    host: '127.0.0.1',
    port: 0,
    logLevel: 'warn',
  });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const usable: number[] = [];
    const metrics: number[] = [];
    for (let round = 0; round <= rounds; round++) {
      const apiStart = performance.now();
      await (await fetch(`${server.url}/api/v1/metrics`)).json();
      const apiSeconds = (performance.now() - apiStart) / 1000;
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      const page = await context.newPage();
      const start = performance.now();
      await page.goto(`${server.url}/`);
      await page.getByText('Cash in stock', { exact: true }).first().waitFor();
      await page.locator('.stat-value').first().waitFor();
      await page.getByRole('heading', { name: /Drafted orders to review \d+/ }).waitFor();
      const seconds = (performance.now() - start) / 1000;
      await context.close();
      // Round 0 warms the server's caches and the browser binary; it is not counted.
      if (round > 0) {
        usable.push(round3(seconds));
        metrics.push(round3(apiSeconds));
      }
    }
    const usableMedian = median(usable);
    const jsKib = round(gzipKib(root, assets.js), 1);
    return {
      demo: { items, days, movements: demo.movements },
      rounds,
      usable_seconds: { median: usableMedian, min: Math.min(...usable), max: Math.max(...usable), all: usable },
      metrics_api_seconds: { median: median(metrics), all: metrics },
      ratio_to_metrics_api: round(usableMedian / median(metrics), 2),
      initial_js: {
        files: assets.js,
        bytes: assets.js.reduce((sum, file) => sum + readFileSync(join(root, file.replace(/^\//, ''))).length, 0),
        gzip_kib: jsKib,
      },
      initial_css_gzip_kib: round(gzipKib(root, assets.css), 1),
      met: { usable: usableMedian < WEB_TARGET_SECONDS, js: jsKib < WEB_TARGET_JS_KIB },
    };
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function printWeb(result: WebBenchResult): void {
  const u = result.usable_seconds;
  console.log(
    `  usable dashboard: median ${u.median} s (min ${u.min}, max ${u.max}) over ${result.rounds} cold page loads; GET /metrics alone ${result.metrics_api_seconds.median} s (page / API ${result.ratio_to_metrics_api}×)`,
  );
  console.log(
    `  initial JavaScript ${result.initial_js.gzip_kib} KiB gzipped (${result.initial_js.bytes.toLocaleString('en')} bytes, ${result.initial_js.files.length} file), CSS ${result.initial_css_gzip_kib} KiB gzipped`,
  );
  console.log(
    `  targets: usable < ${WEB_TARGET_SECONDS} s ${result.met.usable ? 'MET' : 'NOT MET'}; JS < ${WEB_TARGET_JS_KIB} KiB gzipped ${result.met.js ? 'MET' : 'NOT MET'}`,
  );
}
