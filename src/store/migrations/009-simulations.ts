import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';
import { addIdColumn } from './columns.js';

/**
 * Simulation: saved what-if scenarios (their canonical JSON, by name) and simulation jobs. A job is run by the server
 * process that accepted it; its status, progress and result live here so the result outlives the request, and
 * `heartbeat_at` lets any process tell a job whose process died (no heartbeat for a while) from one still running.
 */
export function simulationsMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('simulation_scenarios')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('description', 'text')
        .addColumn('definition', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();

      await addIdColumn(db.schema.createTable('simulation_jobs'), dialect)
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('progress', 'real', (c) => c.notNull())
        .addColumn('scenario_name', 'text')
        .addColumn('scenario', 'text', (c) => c.notNull())
        .addColumn('result', 'text')
        .addColumn('error', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('started_at', 'bigint')
        .addColumn('finished_at', 'bigint')
        .addColumn('heartbeat_at', 'bigint')
        .execute();
      await db.schema.createIndex('simulation_jobs_status').on('simulation_jobs').columns(['status', 'id']).execute();
    },
  };
}
