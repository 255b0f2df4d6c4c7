import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The built web app's folder: LEANSTOCK_WEB_DIST if set, else `dist/web` of the project, found from this file whether
 * it runs from `src/` (tests, tsx) or from `dist/src/` (bin/leanstock).
 */
export function webAppRoot(): string {
  const override = process.env['LEANSTOCK_WEB_DIST'];
  if (override) return override;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return join(dir, 'dist', 'web');
}

/** Whether a request is a browser asking for a page (a deep link such as /items/BOLT-M8), not an API or a file. */
function wantsPage(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0] ?? '';
  if (path.startsWith('/api/') || path === '/api' || path.startsWith('/assets/')) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

/**
 * The app loads nothing from elsewhere and runs no inline script: a script injected into a page (through a
 * stored name, say) does not run. Images may be data: URIs (the icon) and blobs; PDFs are previewed in frames
 * from the same server, and only this server may frame the app.
 */
export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-src 'self'",
  "object-src 'self'",
  "frame-ancestors 'self'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/**
 * Serves the web app at `/`: its hashed assets with a year's cache, and index.html (never cached) for every page
 * path, so a reload of /items/BOLT-M8 opens that page. Without a build it answers a page that says how to build it.
 */
export async function registerWebApp(
  app: FastifyInstance,
  notFound: (request: FastifyRequest, reply: FastifyReply) => unknown,
): Promise<void> {
  const root = webAppRoot();
  const index = join(root, 'index.html');
  const built = existsSync(index);
  if (built) {
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      index: false,
      wildcard: false,
      setHeaders: (res, path) => {
        res.setHeader(
          'cache-control',
          path.includes(`${join(root, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  // Read once, like the asset routes registered above: a rebuild needs a restart either way.
  const page = built
    ? readFileSync(index, 'utf8')
    : '<!doctype html><meta charset="utf-8"><title>Leanstock</title><p>The web app is not built: run <code>npm run build</code>. The API is at <a href="/api/docs">/api/docs</a>.</p>';
  app.setNotFoundHandler((request, reply) => {
    if (!wantsPage(request)) return notFound(request, reply);
    return reply
      .header('cache-control', 'no-cache')
      .header('content-security-policy', PAGE_CONTENT_SECURITY_POLICY)
      .type('text/html; charset=utf-8')
      .send(page);
  });
}
