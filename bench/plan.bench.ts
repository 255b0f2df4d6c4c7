import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type PlanReport, planCatalogue } from '../src/services/planning/plan.service.js';
import { planThreads } from '../src/services/planning/plan-worker.js';
import { openDatabase } from '../src/store/database.js';
import { seedPlanningCatalogue } from '../test/support/planning-catalogue.js';
import { round } from './support/environment.js';

/** Issue 4: `plan` over 100,000 items × 730 days of history in at most 10 s on a 2-core machine. */
export const PLAN_TARGET_SECONDS = 10;
export const PLAN_DEFAULT_ITEMS = 100_000;
export const PLAN_HISTORY_DAYS = 730;

/** One timed `planCatalogue` call. */
export type PlanRun = {
  apply: boolean;
  seconds: number;
  /** Seconds per phase: read (history refresh, facts, lead times), forecast, classify, recommend, write, apply. */
  phases: PlanReport['phases'];
  pairs: number;
  counts: PlanReport['counts'];
  applied: number;
  triggered: number;
  problems: number;
  /** Forecasts selected (one backtest over every candidate method per series) per second of the forecast phase. */
  forecasts_per_second: number;
  /** Pairs per second of the whole call. */
  pairs_per_second: number;
  /** This process's peak resident set (the worker threads included) after the call, MiB. */
  peak_rss_mib: number;
  cpu_seconds: number;
};

export type PlanBenchResult = {
  dialect: 'sqlite';
  items: number;
  days: number;
  threads: number;
  series: Record<string, number>;
  setup_seconds: number;
  methods: Record<string, number>;
  plan: PlanRun;
  plan_apply: PlanRun;
  target_seconds: number;
  met: boolean;
  check: { recommendations: number; policies: number; ok: boolean };
};

/**
 * The plan benchmark: `items` items at one site with `days` days of seeded history (smooth, weekly seasonal,
 * intermittent and lumpy series; balances so that one item in ten starts empty) written straight into the tables
 * (not timed), then `planCatalogue` timed twice on SQLite: recommendations only, then with apply (every pair gets its
 * first policy; the empty ones order at once). The target applies to each call.
 */
export async function benchPlan(options: { items: number; days?: number; threads?: number }): Promise<PlanBenchResult> {
  const days = options.days ?? PLAN_HISTORY_DAYS;
  const dir = mkdtempSync(join(tmpdir(), 'leanstock-bench-plan-'));
  const database = await openDatabase({ dialect: 'sqlite', path: join(dir, 'plan.db') });
  try {
    const now = Date.UTC(2026, 3, 10, 10);
    const setupStart = performance.now();
    const catalogue = await seedPlanningCatalogue(database, { items: options.items, days, now, seed: 4 });
    const setupSeconds = (performance.now() - setupStart) / 1000;
    const threads = planThreads(options.threads);
    const timed = async (apply: boolean): Promise<{ run: PlanRun; report: PlanReport }> => {
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      const report = await planCatalogue(database, { actor: 'bench', now }, { apply, threads });
      const seconds = (performance.now() - start) / 1000;
      const cpu = process.cpuUsage(cpuStart);
      return {
        report,
        run: {
          apply,
          seconds: round(seconds, 2),
          phases: Object.fromEntries(
            Object.entries(report.phases).map(([phase, s]) => [phase, round(s, 2)]),
          ) as PlanReport['phases'],
          pairs: report.pairs,
          counts: report.counts,
          applied: report.applied,
          triggered: report.triggered,
          problems: report.problems.length,
          forecasts_per_second: Math.round(report.pairs / Math.max(report.phases.forecast, 1e-9)),
          pairs_per_second: Math.round(report.pairs / seconds),
          peak_rss_mib: round(process.resourceUsage().maxRSS / 1024, 0),
          cpu_seconds: round((cpu.user + cpu.system) / 1e6, 2),
        },
      };
    };
    const plan = await timed(false);
    const planApply = await timed(true);
    const recommendations = Number(
      (
        await database.db
          .selectFrom('plan_recommendations')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const policies = Number(
      (
        await database.db
          .selectFrom('policies')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const ok =
      recommendations === options.items &&
      plan.run.pairs === options.items &&
      policies === planApply.run.applied &&
      plan.run.problems === 0;
    return {
      dialect: 'sqlite',
      items: options.items,
      days,
      threads,
      series: catalogue.kinds,
      setup_seconds: round(setupSeconds, 1),
      methods: plan.report.methods,
      plan: plan.run,
      plan_apply: planApply.run,
      target_seconds: PLAN_TARGET_SECONDS,
      met: plan.run.seconds <= PLAN_TARGET_SECONDS && planApply.run.seconds <= PLAN_TARGET_SECONDS,
      check: { recommendations, policies, ok },
    };
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `BENCH_PLAN_ITEMS` (default 100,000) scales the catalogue down for a quick run. */
export function planBenchItems(env: NodeJS.ProcessEnv = process.env): number {
  const items = Number(env['BENCH_PLAN_ITEMS'] ?? PLAN_DEFAULT_ITEMS);
  if (!Number.isInteger(items) || items < 1 || items > 10_000_000) {
    throw new Error(`BENCH_PLAN_ITEMS: not a number of items: ${env['BENCH_PLAN_ITEMS']}`);
  }
  return items;
}
