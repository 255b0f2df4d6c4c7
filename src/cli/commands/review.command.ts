import type { Command } from 'commander';
import { reviewDrift } from '../../services/planning/drift-review.service.js';
import { listReviewItems } from '../../services/purchasing/review-items.service.js';
import { type CliDeps, cliActor, formatTable, printResult, withDatabase } from '../io.js';
import { withProgress } from './metrics.command.js';

type Common = { db?: string; json?: boolean };

export function registerReviewCommands(program: Command, deps: CliDeps): void {
  const review = program
    .command('review')
    .description('The review list: items someone should look at, and the drift review that fills it');

  review
    .command('list')
    .description('Open review entries, newest first')
    .option('--sku <sku>', 'only this item')
    .option('--all', 'resolved entries too')
    .option('--limit <n>', 'how many', '100')
    .option('--cursor <cursor>', 'continue after the previous page')
    .option('--db <path-or-url>', 'SQLite file or postgres:// URL')
    .option('--json', 'machine-readable output')
    .action(async (options: Common & { sku?: string; all?: boolean; limit: string; cursor?: string }) => {
      const page = await withDatabase(deps, options.db, (database) =>
        listReviewItems(database, {
          ...(options.sku !== undefined && { sku: options.sku }),
          ...(options.all && { includeResolved: true }),
          ...(options.cursor !== undefined && { cursor: options.cursor }),
          limit: Number(options.limit),
        }),
      );
      printResult(deps, options.json, page, () => {
        if (page.data.length === 0) return 'Nothing to review.';
        const lines = page.data.map(
          (r) =>
            `${r.sku}${r.location ? `@${r.location}` : ''}  ${r.reason}${r.resolved_at ? ` (resolved ${r.resolved_at})` : ''}\n  ${r.message}`,
        );
        if (page.next_cursor) lines.push(`More: --cursor ${page.next_cursor}`);
        return lines.join('\n');
      });
    });

  review
    .command('drift')
    .description(
      'Review every item x location for drift now: demand shifts (last 28 days against the 180 before), repeated stock-outs (3 in 90 days), excess (above target + 90 days of demand) and dead stock (no demand in 180 days) go on the review list once; entries whose reason no longer holds are resolved',
    )
    .option('--db <path-or-url>', 'SQLite file or postgres:// URL')
    .option('--json', 'machine-readable output')
    .action(async (options: Common) => {
      const report = await withDatabase(deps, options.db, (database) =>
        withProgress(deps, 'Reviewing', (onProgress) =>
          reviewDrift(database, { actor: cliActor(deps), now: deps.now() }, { onProgress }),
        ),
      );
      printResult(deps, options.json, report, () => {
        const lines = [
          `Drift review of ${report.pairs_checked} item x locations: ${report.raised.length} raised, ${report.still_open} still open, ${report.resolved.length} resolved.`,
        ];
        if (report.raised.length > 0) {
          lines.push(
            formatTable(
              ['sku', 'location', 'reason', 'why'],
              report.raised.map((r) => [r.sku, r.location, r.reason, r.message]),
            ),
          );
        }
        for (const r of report.resolved) lines.push(`resolved: ${r.sku}@${r.location} ${r.reason}`);
        return lines.join('\n');
      });
    });
}
