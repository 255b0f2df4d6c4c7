import { execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';

/** `BENCH_SCALE` (default 1) shrinks every workload for a quick run: 0.1 posts 100,000 movements instead of 1,000,000. */
export function benchScale(env: NodeJS.ProcessEnv = process.env): number {
  const scale = Number(env['BENCH_SCALE'] ?? 1);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 10)
    throw new Error(`BENCH_SCALE: not a scale: ${env['BENCH_SCALE']}`);
  return scale;
}

export function describeEnvironment() {
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model ?? 'unknown',
    memory_mb: Math.round(os.totalmem() / 2 ** 20),
    /** 1, 5 and 15 minute load averages at the start: other work on the machine skews every figure. */
    load_average: os.loadavg().map((load) => round(load, 2)),
    git_commit: gitCommit(),
  };
}

function gitCommit(): string | null {
  try {
    const head = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    const dirty = execSync('git status --porcelain --untracked-files=no', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return null;
  }
}

/** The repository root: the nearest folder above this file with a package.json. */
export function projectRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

/** Peak resident set size (VmHWM) and current RSS of a Linux process, in MiB; undefined elsewhere. */
export function memoryOf(pid: number): { peak_rss_mib: number; rss_mib: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { peak_rss_mib: round(kib('VmHWM') / 1024), rss_mib: round(kib('VmRSS') / 1024) };
  } catch {
    return undefined;
  }
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
