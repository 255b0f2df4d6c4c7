import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dialect } from '../../../src/store/database.js';
import type { LoadInspection } from './load-inspection.js';
import type { LoadReport } from './movement-load.js';

const resultsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bench/results');

/** `short` runs in every `npm test`; `full` with LEANSTOCK_RELIABILITY=full (`npm run test:reliability`). */
export type ReliabilityForm = 'short' | 'full';

export function reliabilityForm(env: NodeJS.ProcessEnv = process.env): ReliabilityForm {
  return env['LEANSTOCK_RELIABILITY'] === 'full' ? 'full' : 'short';
}

/** The faults a scenario injected, by kind (`server_kills`, `backend_terminations`, `postgres_restarts`). */
export type InjectedFaults = Record<string, number>;

/**
 * Writes a scenario's measured figures to bench/results/reliability-<scenario>-<dialect>.json and prints
 * them on one line, for the README and the release notes to quote.
 */
export function recordReliabilityFigures(options: {
  scenario: string;
  dialect: Dialect;
  form: ReliabilityForm;
  servers: number;
  faults: InjectedFaults;
  report: LoadReport;
  inspection: LoadInspection;
}): void {
  const { report, inspection } = options;
  const figures = {
    scenario: options.scenario,
    dialect: options.dialect,
    form: options.form,
    clients: report.clients,
    servers: options.servers,
    movements_acknowledged: report.acknowledged.size,
    movements_present_once: inspection.presentOnce,
    faults: options.faults,
    retries: report.retries,
    failed_attempts: report.failures,
    answered_from_idempotency_store: inspection.answeredFromIdempotencyStore,
    twin_requests: report.twins,
    trigger_dips: inspection.dips,
    purchase_order_lines: inspection.draftLines,
    lost: inspection.lost,
    duplicates: inspection.duplicates,
    problems: inspection.problems.length,
    duration_ms: report.durationMs,
    movements_per_second: Math.round((report.acknowledged.size / report.durationMs) * 1000),
    node: process.version,
    measured_at: new Date().toISOString(),
  };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, `reliability-${options.scenario}-${options.dialect}.json`),
    `${JSON.stringify(figures, null, 2)}\n`,
  );
  const faults = Object.entries(options.faults)
    .map(([kind, count]) => `${count} ${kind.replace(/_/g, ' ')}`)
    .join(', ');
  console.log(
    `reliability ${options.scenario} [${options.dialect}, ${options.form}]: ${figures.movements_acknowledged} movements acknowledged from ` +
      `${figures.clients} clients on ${figures.servers} server(s); ${faults || 'no faults'}; ${figures.retries} retries ` +
      `(${figures.answered_from_idempotency_store} answered from the idempotency store)` +
      `${figures.twin_requests > 0 ? `; ${figures.twin_requests} twin requests to both servers` : ''}; ${figures.trigger_dips} dips ordered on ` +
      `${figures.purchase_order_lines} lines; lost ${figures.lost}, duplicates ${figures.duplicates}; ` +
      `${(figures.duration_ms / 1000).toFixed(1)} s (${figures.movements_per_second}/s)`,
  );
}
