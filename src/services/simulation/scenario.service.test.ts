import { expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { SIMULATION_NOW, seedSimulationCatalogue } from '../../../test/support/simulation-catalogue.js';
import { DomainError, type FieldProblem } from '../../domain/errors.js';
import { parseScenario } from '../../domain/simulation/scenario.js';
import type { Database } from '../../store/database.js';
import {
  deleteSavedScenario,
  getSavedScenario,
  listSavedScenarios,
  readSavedScenario,
  saveScenario,
} from './scenario.service.js';

const MINUTE = 60_000;
const ctx = { actor: 'tester', now: SIMULATION_NOW };

const closed = {
  name: 'acme-closed',
  description: 'ACME closed for three weeks',
  horizon_days: 120,
  disruptions: { outages: [{ supplier: 'ACME', from_day: 30, days: 21 }] },
  policies: ['current', 'lean', { name: 'buffered', extra_days: 14 }],
};

async function refusal(work: Promise<unknown>, code = 'LS_VALIDATION'): Promise<FieldProblem[]> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
  return (error as DomainError).details ?? [];
}

async function stored(database: Database) {
  return {
    scenarios: await database.db.selectFrom('simulation_scenarios').selectAll().orderBy('name').execute(),
    audit: await database.db
      .selectFrom('audit_log')
      .select(['entity_key', 'action', 'actor'])
      .where('entity', '=', 'simulation_scenario')
      .orderBy('id')
      .execute(),
  };
}

describeEachDialect('saved scenarios', ({ database }) => {
  it('saves a scenario in its canonical form, every default written out, and gives it back ready to run', async () => {
    await seedSimulationCatalogue(database());
    const saved = await saveScenario(database(), ctx, 'acme-closed', closed);
    expect(saved.created).toBe(true);
    expect(saved.scenario).toMatchObject({
      name: 'acme-closed',
      description: 'ACME closed for three weeks',
      created_at: '2026-04-10T10:00:00.000Z',
      updated_at: '2026-04-10T10:00:00.000Z',
      updated_by: 'tester',
    });
    expect(saved.scenario.scenario).toMatchObject({
      name: 'acme-closed',
      horizon_days: 120,
      runs: 200,
      seed: 1,
      demand: { model: 'bootstrap', block_days: 7 },
      disruptions: { outages: [{ supplier: 'ACME', from_day: 30, days: 21 }] },
      service_floor: { measure: 'fill_rate', level: 0.95 },
    });
    expect(await getSavedScenario(database(), 'acme-closed')).toEqual(saved.scenario);
    expect(await readSavedScenario(database(), 'acme-closed')).toEqual(parseScenario(closed));
    expect((await stored(database())).audit).toEqual([
      { entity_key: 'acme-closed', action: 'create', actor: 'tester' },
    ]);
  });

  it('names a scenario after its path when the body has no name', async () => {
    await seedSimulationCatalogue(database());
    const { name: _name, ...unnamed } = closed;
    const saved = await saveScenario(database(), ctx, 'closed-2', unnamed);
    expect(saved.scenario.name).toBe('closed-2');
    expect(saved.scenario.scenario['name']).toBe('closed-2');
  });

  it('overwrites a scenario saved under the same name, keeping when it was created', async () => {
    await seedSimulationCatalogue(database());
    await saveScenario(database(), ctx, 'acme-closed', closed);
    const later = { actor: 'other', now: SIMULATION_NOW + 5 * MINUTE };
    const replaced = await saveScenario(database(), later, 'acme-closed', { ...closed, runs: 50, description: null });
    expect(replaced.created).toBe(false);
    expect(replaced.scenario).toMatchObject({
      description: null,
      created_at: '2026-04-10T10:00:00.000Z',
      updated_at: '2026-04-10T10:05:00.000Z',
      updated_by: 'other',
    });
    expect((await readSavedScenario(database(), 'acme-closed')).runs).toBe(50);
    const { scenarios, audit } = await stored(database());
    expect(scenarios).toHaveLength(1);
    expect(audit.map((a) => a.action)).toEqual(['create', 'update']);
  });

  it('lists saved scenarios by name, a page at a time', async () => {
    await seedSimulationCatalogue(database());
    for (const name of ['c-three', 'a-one', 'b-two']) {
      await saveScenario(database(), ctx, name, { ...closed, name, description: `scenario ${name}` });
    }
    const first = await listSavedScenarios(database(), { limit: 2 });
    expect(first.data.map((s) => s.name)).toEqual(['a-one', 'b-two']);
    expect(first.data[0]).toEqual({
      name: 'a-one',
      description: 'scenario a-one',
      created_at: '2026-04-10T10:00:00.000Z',
      updated_at: '2026-04-10T10:00:00.000Z',
      updated_by: 'tester',
    });
    expect(first.next_cursor).not.toBeNull();
    const second = await listSavedScenarios(database(), { limit: 2, cursor: first.next_cursor! });
    expect(second).toEqual({ data: [expect.objectContaining({ name: 'c-three' })], next_cursor: null });
    expect((await listSavedScenarios(database())).data).toHaveLength(3);
    expect(await refusal(listSavedScenarios(database(), { limit: 0 }))).toEqual([
      expect.objectContaining({ field: 'limit' }),
    ]);
  });

  it('deletes a saved scenario, audited; a missing one is LS_NOT_FOUND naming it', async () => {
    await seedSimulationCatalogue(database());
    await saveScenario(database(), ctx, 'acme-closed', closed);
    await deleteSavedScenario(database(), ctx, 'acme-closed');
    expect((await stored(database())).scenarios).toEqual([]);
    expect((await stored(database())).audit.map((a) => a.action)).toEqual(['create', 'delete']);
    const missing = { field: 'scenario', message: 'no saved scenario named acme-closed', value: 'acme-closed' };
    expect(await refusal(getSavedScenario(database(), 'acme-closed'), 'LS_NOT_FOUND')).toEqual([missing]);
    expect(await refusal(readSavedScenario(database(), 'acme-closed'), 'LS_NOT_FOUND')).toEqual([missing]);
    expect(await refusal(deleteSavedScenario(database(), ctx, 'acme-closed'), 'LS_NOT_FOUND')).toEqual([missing]);
    expect((await stored(database())).audit).toHaveLength(2);
  });

  it('refuses bad names and bad scenarios naming the field, and stores nothing', async () => {
    await seedSimulationCatalogue(database());
    await saveScenario(database(), ctx, 'acme-closed', closed);
    const before = await stored(database());
    const { name: _name, ...unnamed } = closed;
    expect((await refusal(saveScenario(database(), ctx, 'bad name', unnamed)))[0]).toMatchObject({
      field: 'name',
      value: 'bad name',
    });
    expect((await refusal(saveScenario(database(), ctx, '-dash', unnamed)))[0]).toMatchObject({ field: 'name' });
    expect((await refusal(saveScenario(database(), ctx, 'x'.repeat(65), unnamed)))[0]).toMatchObject({
      field: 'name',
    });
    expect(await refusal(saveScenario(database(), ctx, 'other', closed))).toEqual([
      { field: 'name', message: 'must be the name in the path, other', value: 'acme-closed' },
    ]);
    // Overwriting with a bad scenario leaves the saved one as it was.
    expect(
      (await refusal(saveScenario(database(), ctx, 'acme-closed', { ...closed, runs: 0 }))).map((p) => p.field),
    ).toEqual(['runs']);
    expect(
      (
        await refusal(
          saveScenario(database(), ctx, 'acme-closed', {
            ...closed,
            disruptions: { outages: [{ supplier: 'ACME', from_day: 130, days: 5 }] },
          }),
        )
      ).map((p) => p.field),
    ).toEqual(['disruptions.outages[0].from_day']);
    expect(
      await refusal(
        saveScenario(database(), ctx, 'acme-closed', {
          ...closed,
          disruptions: { outages: [{ supplier: 'ACNE', from_day: 30, days: 21 }] },
        }),
      ),
    ).toEqual([{ field: 'disruptions.outages[0].supplier', message: 'unknown supplier ACNE', value: 'ACNE' }]);
    expect((await refusal(saveScenario(database(), ctx, 'list', ['current']))).map((p) => p.field)).toEqual([
      'scenario',
    ]);
    expect(await stored(database())).toEqual(before);
  });

  it('returns the first result again for a retried save with the same idempotency key', async () => {
    await seedSimulationCatalogue(database());
    const keyed = { ...ctx, idempotencyKey: 'save-1' };
    const first = await saveScenario(database(), keyed, 'acme-closed', closed);
    const again = await saveScenario(database(), { ...keyed, now: ctx.now + MINUTE }, 'acme-closed', closed);
    expect(again).toEqual(first);
    expect((await stored(database())).audit).toHaveLength(1);
  });
});
