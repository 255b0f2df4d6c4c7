import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Threads used when none are asked for: the machine's parallelism, at most 8. */
export const MAX_DEFAULT_THREADS = 8;

/** The threads a pool uses: `requested` if given (0 = inline), else the machine's parallelism capped at 8. */
export function defaultThreads(requested: number | undefined): number {
  if (requested !== undefined) return Math.max(0, Math.floor(requested));
  const available = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.min(MAX_DEFAULT_THREADS, Math.max(1, available));
}

/**
 * How to start the module at `moduleUrl` (pass `import.meta.url`) as a worker: its path when it is compiled
 * JavaScript; under Vitest or tsx the sources are TypeScript, which a worker cannot load by itself
 * (`execArgv: ['--import', 'tsx']` is not honoured by worker threads on Node 20), so a two-line bootstrap registers
 * tsx's loader in the worker, then imports the module. Use as `new Worker(entry.code, { eval: entry.eval, … })`.
 */
export function workerEntry(moduleUrl: string): { code: string; eval: boolean } {
  if (!moduleUrl.endsWith('.ts')) return { code: fileURLToPath(moduleUrl), eval: false };
  const tsxApi = pathToFileURL(createRequire(moduleUrl).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  return {
    code: `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl)}); });`,
    eval: true,
  };
}

/**
 * The array itself when it owns its whole buffer (safe to transfer to a worker), else a copy (a slice of a shared
 * pool must stay where it is).
 */
export function ownBuffer<T extends Float64Array | Uint8Array>(array: T): T {
  if (
    array.byteOffset === 0 &&
    array.byteLength === array.buffer.byteLength &&
    !(array.buffer instanceof SharedArrayBuffer)
  )
    return array;
  return array.slice() as T;
}
