import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { webAppRoot } from '../../src/api/web-app.js';
import { writeDemo } from '../../src/services/demo.service.js';
import { openDatabase } from '../../src/store/database.js';

/** Where the end-to-end tests leave their screenshots for a person to look at (git-ignored). */
export const SCREENSHOTS = join(process.cwd(), 'e2e', 'screenshots');

/** Builds the web app into dist/web unless a build is there (CI builds it in `npm ci`'s prepare). */
export async function ensureWebBuilt(): Promise<void> {
  if (existsSync(join(webAppRoot(), 'index.html'))) return;
  await build({
    configFile: join(process.cwd(), 'web', 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: webAppRoot(), emptyOutDir: true },
  });
}

export type WebFixture = {
  server: RunningServer;
  browser: Browser;
  dir: string;
  /** A page at a viewport (desktop 1280 × 860 by default) that records console errors and outside requests. */
  open: (path: string, viewport?: { width: number; height: number }) => Promise<{ page: Page; problems: string[] }>;
  api: (method: string, path: string, body?: unknown) => Promise<Record<string, unknown>>;
  close: () => Promise<void>;
};

/**
 * A real server on a temporary SQLite file (with a small demo in it when `demo` is set) and Debian's Chromium.
 */
export async function startWeb(options: { demo?: { itemCount: number; days: number } } = {}): Promise<WebFixture> {
  await ensureWebBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'leanstock-e2e-web-'));
  const path = join(dir, 'e2e.db');
  if (options.demo !== undefined) {
    const database = await openDatabase({ dialect: 'sqlite', path });
    await writeDemo(database, { seed: 42, ...options.demo }, { actor: 'e2e', now: Date.now() });
    await database.close();
  }
  const server = await startServer({
    config: { dialect: 'sqlite', path },
    host: '127.0.0.1',
    port: 0,
    logLevel: 'warn',
  });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const contexts: BrowserContext[] = [];
  return {
    server,
    browser,
    dir,
    async open(target, viewport = { width: 1280, height: 860 }) {
      const context = await browser.newContext({ viewport });
      contexts.push(context);
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('request', (request) => {
        if (!request.url().startsWith(server.url) && !request.url().startsWith('data:')) {
          problems.push(`external request ${request.url()}`);
        }
      });
      await page.goto(`${server.url}${target}`);
      return { page, problems };
    },
    async api(method, apiPath, body) {
      const response = await fetch(`${server.url}/api/v1${apiPath}`, {
        method,
        ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      const json = (await response.json()) as Record<string, unknown>;
      if (!response.ok) throw new Error(`${method} ${apiPath}: ${response.status} ${JSON.stringify(json)}`);
      return json;
    },
    async close() {
      for (const context of contexts) await context.close();
      await browser.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
