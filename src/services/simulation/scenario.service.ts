import { DomainError } from '../../domain/errors.js';
import { formatScenario, parseScenario, type Scenario } from '../../domain/simulation/scenario.js';
import { type Database, readTransaction, type Tx } from '../../store/database.js';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { idempotentWrite } from '../idempotent-write.js';
import { checkPageLimit, decodeCursor, encodeCursor, type Page } from '../pagination.js';
import { checkScenarioAgainstCatalogue } from './simulation.service.js';

/** A saved what-if scenario as the API and the CLI show it: the scenario in its file form, every default written out. */
export type SavedScenarioView = {
  name: string;
  description: string | null;
  scenario: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  updated_by: string;
};

export type SavedScenarioSummary = Omit<SavedScenarioView, 'scenario'>;

const ENTITY = 'simulation_scenario';

/**
 * Saves (creates or replaces) a scenario under `name`. The body is the scenario as in a file (YAML parsed, or JSON);
 * a `name` inside must be the same. It is validated in full — including the SKUs, category, location and suppliers it
 * names — and saved in its canonical form, or refused with LS_VALIDATION naming every bad field and nothing saved.
 */
export async function saveScenario(
  database: Database,
  ctx: ServiceContext,
  name: string,
  raw: unknown,
): Promise<{ created: boolean; scenario: SavedScenarioView }> {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const inner = (raw as Record<string, unknown>)['name'];
    if (inner !== undefined && inner !== name) {
      throw new DomainError('LS_VALIDATION', `name: must be the name in the path, ${name}`, [
        { field: 'name', message: `must be the name in the path, ${name}`, value: inner },
      ]);
    }
  }
  const scenario = parseScenario(raw, name);
  await checkScenarioAgainstCatalogue(database, scenario);
  const definition = JSON.stringify(formatScenario(scenario));
  return idempotentWrite(database, ctx, `PUT /scenarios/${name}`, raw, async (tx) => {
    const before = await findScenarioRow(tx, name);
    if (before === undefined) {
      await tx
        .insertInto('simulation_scenarios')
        .values({
          name,
          description: scenario.description,
          definition,
          created_at: ctx.now,
          updated_at: ctx.now,
          updated_by: ctx.actor,
        })
        .execute();
    } else {
      await tx
        .updateTable('simulation_scenarios')
        .set({ description: scenario.description, definition, updated_at: ctx.now, updated_by: ctx.actor })
        .where('name', '=', name)
        .execute();
    }
    await recordAudit(tx, ctx, {
      entity: ENTITY,
      entityKey: name,
      action: before === undefined ? 'create' : 'update',
      before: before === undefined ? null : JSON.parse(before.definition),
      after: JSON.parse(definition),
    });
    const row = (await findScenarioRow(tx, name))!;
    return { created: before === undefined, scenario: viewOf(row) };
  });
}

/** A saved scenario; LS_NOT_FOUND naming it when there is none. */
export async function getSavedScenario(database: Database, name: string): Promise<SavedScenarioView> {
  const row = await readTransaction(database, (tx) => findScenarioRow(tx, name));
  if (row === undefined) throw notFound(name);
  return viewOf(row);
}

/** The saved scenario, parsed, ready to run (checked against today's catalogue by the run itself). */
export async function readSavedScenario(database: Database, name: string): Promise<Scenario> {
  const view = await getSavedScenario(database, name);
  return parseScenario(view.scenario, name);
}

/** Saved scenarios by name, a page at a time. */
export async function listSavedScenarios(
  database: Database,
  query: { cursor?: string | undefined; limit?: number | undefined } = {},
): Promise<Page<SavedScenarioSummary>> {
  const limit = checkPageLimit(query.limit);
  const after = query.cursor === undefined ? undefined : String(decodeCursor(query.cursor, 1, 'cursor')[0]);
  const rows = await readTransaction(database, (tx) => {
    let select = tx
      .selectFrom('simulation_scenarios')
      .select(['name', 'description', 'created_at', 'updated_at', 'updated_by'])
      .orderBy('name')
      .limit(limit + 1);
    if (after !== undefined) select = select.where('name', '>', after);
    return select.execute();
  });
  const page = rows.slice(0, limit);
  return {
    data: page.map((row) => ({
      name: row.name,
      description: row.description,
      created_at: new Date(Number(row.created_at)).toISOString(),
      updated_at: new Date(Number(row.updated_at)).toISOString(),
      updated_by: row.updated_by,
    })),
    next_cursor: rows.length > limit ? encodeCursor([page.at(-1)!.name]) : null,
  };
}

/** Deletes a saved scenario (audited); LS_NOT_FOUND when there is none. Jobs that ran it keep their copy. */
export async function deleteSavedScenario(database: Database, ctx: ServiceContext, name: string): Promise<void> {
  await idempotentWrite(database, ctx, `DELETE /scenarios/${name}`, null, async (tx) => {
    const before = await findScenarioRow(tx, name);
    if (before === undefined) throw notFound(name);
    await tx.deleteFrom('simulation_scenarios').where('name', '=', name).execute();
    await recordAudit(tx, ctx, {
      entity: ENTITY,
      entityKey: name,
      action: 'delete',
      before: JSON.parse(before.definition),
      after: null,
    });
    return null;
  });
}

function findScenarioRow(tx: Tx, name: string) {
  return tx.selectFrom('simulation_scenarios').selectAll().where('name', '=', name).executeTakeFirst();
}

function viewOf(row: {
  name: string;
  description: string | null;
  definition: string;
  created_at: number;
  updated_at: number;
  updated_by: string;
}): SavedScenarioView {
  return {
    name: row.name,
    description: row.description,
    scenario: JSON.parse(row.definition),
    created_at: new Date(Number(row.created_at)).toISOString(),
    updated_at: new Date(Number(row.updated_at)).toISOString(),
    updated_by: row.updated_by,
  };
}

function notFound(name: string): DomainError {
  return new DomainError('LS_NOT_FOUND', `scenario: no saved scenario named ${name}`, [
    { field: 'scenario', message: `no saved scenario named ${name}`, value: name },
  ]);
}
