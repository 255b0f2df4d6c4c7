/**
 * Forecast method selection throughput: `selectForecastMethod` over seeded daily demand histories (730 days by default)
 * of one shape at a time — smooth, trend, weekly seasonal, intermittent, lumpy — and an equal mix of all five in which
 * every fifth series has a run of stock-out days. Reports series selected per second per core (from this process's CPU
 * time, steadier than the wall clock on a shared machine), best of three rounds, and the methods chosen.
 *
 * Run: `npx tsx bench/forecast.bench.ts` (BENCH_SCALE=0.1 for a quick run; FORECAST_DAYS=365 for shorter histories).
 * Writes bench/results/forecast.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectForecastMethod } from '../src/domain/forecast/index.js';
import { benchScale, describeEnvironment, projectRoot } from './support/environment.js';
import { mulberry32 } from './support/workload.js';

export const DEMAND_SHAPES = ['smooth', 'trend', 'weekly', 'intermittent', 'lumpy'] as const;
export type DemandShape = (typeof DEMAND_SHAPES)[number];
export type ForecastMix = DemandShape | 'all';

export type DemandHistory = { demand: Float64Array; stockOut: Uint8Array };

/** A standard normal draw (Box–Muller) from the seeded source. */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * One seeded history, whole units per day. smooth: level 10–40 with noise; trend: a rising or falling line with noise;
 * weekly: a weekday pattern (weekends ×1.8–2.6) with noise; intermittent: demand on 8–40 % of days, sizes 1–5;
 * lumpy: demand on 3–30 % of days, sizes with a heavy tail.
 */
export function generateDemand(shape: DemandShape, seed: number, days: number, stockOutRun = false): DemandHistory {
  const random = mulberry32(seed);
  const demand = new Float64Array(days);
  const level = 10 + random() * 30;
  const noise = 0.1 + random() * 0.25;
  const slope = (random() - 0.3) * (level / days);
  const weekend = 1.8 + random() * 0.8;
  const p = shape === 'intermittent' ? 0.08 + random() * 0.32 : 0.03 + random() * 0.27;
  for (let t = 0; t < days; t++) {
    let v = 0;
    switch (shape) {
      case 'smooth':
        v = level * (1 + noise * normal(random));
        break;
      case 'trend':
        v = (level + slope * t) * (1 + noise * normal(random));
        break;
      case 'weekly':
        v = level * (t % 7 >= 5 ? weekend : 1) * (1 + noise * normal(random));
        break;
      case 'intermittent':
        v = random() < p ? 1 + Math.floor(random() * 5) : 0;
        break;
      case 'lumpy':
        v = random() < p ? Math.ceil(Math.exp(1 + 1.2 * normal(random))) : 0;
        break;
    }
    demand[t] = Math.max(0, Math.round(v));
  }
  const stockOut = new Uint8Array(days);
  if (stockOutRun) {
    const start = Math.floor(random() * (days - 30));
    const length = 3 + Math.floor(random() * 18);
    for (let t = start; t < start + length; t++) {
      stockOut[t] = 1;
      demand[t] = Math.min(demand[t]!, 1);
    }
  }
  return { demand, stockOut };
}

export function generateMix(mix: ForecastMix, count: number, days: number, seed = 1): DemandHistory[] {
  const histories: DemandHistory[] = [];
  for (let i = 0; i < count; i++) {
    const shape = mix === 'all' ? DEMAND_SHAPES[i % DEMAND_SHAPES.length]! : mix;
    histories.push(generateDemand(shape, seed * 1_000_003 + i, days, mix === 'all' && i % 5 === 2));
  }
  return histories;
}

export type ForecastMixResult = {
  mix: ForecastMix;
  series: number;
  days: number;
  /** Series per second per core: series ÷ this process's CPU seconds, best round. */
  series_per_cpu_second: number;
  /** Series per second of wall-clock time, best round. */
  series_per_second: number;
  rounds_series_per_cpu_second: number[];
  methods: Record<string, number>;
};

export function benchForecastMix(mix: ForecastMix, count: number, days: number, rounds = 3): ForecastMixResult {
  const histories = generateMix(mix, count, days);
  const methods: Record<string, number> = {};
  const warmUp = Math.min(count, 300);
  for (let i = 0; i < warmUp; i++) {
    const h = histories[i]!;
    selectForecastMethod(h.demand, { stockOutDays: h.stockOut });
  }
  const perCpu: number[] = [];
  let bestWall = 0;
  for (let round = 0; round < rounds; round++) {
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    for (const h of histories) {
      const selection = selectForecastMethod(h.demand, { stockOutDays: h.stockOut });
      if (round === 0) methods[selection.method] = (methods[selection.method] ?? 0) + 1;
    }
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    perCpu.push(count / ((used.user + used.system) / 1e6));
    bestWall = Math.max(bestWall, count / wallSeconds);
  }
  return {
    mix,
    series: count,
    days,
    series_per_cpu_second: Math.round(Math.max(...perCpu)),
    series_per_second: Math.round(bestWall),
    rounds_series_per_cpu_second: perCpu.map(Math.round),
    methods,
  };
}

function main(): void {
  const root = projectRoot(dirname(fileURLToPath(import.meta.url)));
  const count = Math.max(100, Math.round(5_000 * benchScale()));
  const days = Number(process.env['FORECAST_DAYS'] ?? 730);
  const env = describeEnvironment();
  console.log(
    `selectForecastMethod, ${count.toLocaleString('en')} series × ${days} days per mix — node ${env.node}, ` +
      `${env.cpus} cores, load average ${env.load_average.join(' ')}, commit ${env.git_commit ?? '?'}`,
  );
  const results: ForecastMixResult[] = [];
  for (const mix of [...DEMAND_SHAPES, 'all'] as const) {
    const result = benchForecastMix(mix, count, days);
    results.push(result);
    const chosen = Object.entries(result.methods)
      .sort((a, b) => b[1] - a[1])
      .map(([m, n]) => `${m} ${n}`)
      .join(', ');
    console.log(
      `${mix.padEnd(13)} ${String(result.series_per_cpu_second).padStart(7)} series/s per core ` +
        `(rounds ${result.rounds_series_per_cpu_second.join(', ')}; wall ${result.series_per_second}/s)  ${chosen}`,
    );
  }
  const out = join(root, 'bench', 'results', 'forecast.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ environment: env, results }, null, 2)}\n`);
  console.log(`\n${relative(process.cwd(), out)}`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
