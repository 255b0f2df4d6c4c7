import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import type { ServiceContext } from '../../services/context.js';
import { createItem } from '../../services/item.service.js';
import { postMovements } from '../../services/ledger.service.js';
import { createLocation } from '../../services/location.service.js';
import { setPolicy } from '../../services/policy.service.js';
import { createSupplier } from '../../services/supplier.service.js';
import { addSupplierItem } from '../../services/supplier-item.service.js';
import { buildApp } from '../app.js';

const DAY = 86_400_000;
const now = Date.UTC(2026, 3, 10, 10);
const ctx = (at: number): ServiceContext => ({ actor: 'seed', now: at });

describeEachDialect('plan routes', ({ database }) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildApp({ database: database(), clock: () => now });
  });
  afterEach(async () => {
    await app.close();
  });

  const send = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      ...(payload !== undefined && { payload: payload as object }),
      headers: { 'x-actor': 'ana' },
    });

  /**
   * 28 days of history at BER: STEADY sells 10 a day (two sources quoting 14 days, ordering cost 20.00, packs of 10;
   * on hand 100, policy s 10 / S 100), NEWBIE 2 a day (no policy). With σ = 0 STEADY's plan is s = d·L = 140 and
   * S = 140 + EOQ 770 (√(2 × 20 × 3,650 / 0.25) = 764.2 in packs of 10) = 910.
   */
  async function seed(): Promise<void> {
    const db = database();
    const at = ctx(now - 40 * DAY);
    expect((await send('PATCH', '/api/v1/planning/settings', { history_days: 28 })).statusCode).toBe(200);
    await createLocation(db, { code: 'BER', name: 'Berlin', time_zone: 'Europe/Berlin' }, at);
    for (const code of ['ACME', 'BETA']) {
      await createSupplier(db, { code, name: code, lead_time_days: 14, ordering_cost: 20 }, at);
    }
    await createItem(db, { sku: 'STEADY', name: 'Steady', unit: 'pcs', unit_cost: 1 }, at);
    await createItem(db, { sku: 'NEWBIE', name: 'Newbie', unit: 'pcs', unit_cost: 50 }, at);
    await addSupplierItem(db, 'STEADY', { supplier: 'ACME', pack_size: 10 }, at);
    await addSupplierItem(db, 'STEADY', { supplier: 'BETA', rank: 2, pack_size: 10 }, at);
    await addSupplierItem(db, 'NEWBIE', { supplier: 'ACME' }, at);
    const movements: unknown[] = [
      { type: 'receipt', sku: 'STEADY', location: 'BER', quantity: 380, occurred_at: iso(now - 35 * DAY) },
      { type: 'receipt', sku: 'NEWBIE', location: 'BER', quantity: 200, occurred_at: iso(now - 35 * DAY) },
    ];
    for (let k = 1; k <= 28; k++) {
      movements.push({ type: 'issue', sku: 'STEADY', location: 'BER', quantity: 10, occurred_at: iso(now - k * DAY) });
      movements.push({ type: 'issue', sku: 'NEWBIE', location: 'BER', quantity: 2, occurred_at: iso(now - k * DAY) });
    }
    await postMovements(db, movements, ctx(now - DAY / 2));
    await setPolicy(db, 'STEADY', 'BER', { kind: 'reorder_point', reorder_point: 10, target: 100 }, at);
  }

  it('GET and PATCH /planning/settings: defaults, a change audited, and bad values refused naming the field with nothing changed', async () => {
    const defaults = (await send('GET', '/api/v1/planning/settings')).json();
    expect(defaults).toMatchObject({
      service_level_a: 0.98,
      service_level_b: 0.95,
      history_days: 730,
      auto_apply: false,
    });
    const patched = await send('PATCH', '/api/v1/planning/settings', { service_level_a: 0.99, ordering_cost: 12.5 });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ service_level_a: 0.99, ordering_cost: 12.5, service_level_b: 0.95 });
    const audit = await database()
      .db.selectFrom('audit_log')
      .select(['actor', 'before', 'after'])
      .where('entity', '=', 'planning_settings')
      .execute();
    expect(audit.map((a) => [a.actor, JSON.parse(a.before!), JSON.parse(a.after!)])).toEqual([
      ['ana', { service_level_a: 0.98, ordering_cost: 25 }, { service_level_a: 0.99, ordering_cost: 12.5 }],
    ]);

    const refusals: Array<[unknown, string, string]> = [
      [{ service_level_b: 1 }, 'service_level_b', 'service_level_b: must be < 1'],
      [{ service_level_c: 0 }, 'service_level_c', 'service_level_c: must be > 0'],
      [{ ordering_cost: -5 }, 'ordering_cost', 'ordering_cost: must be ≥ 0'],
      [{ holding_rate_per_year: 'a lot' }, 'holding_rate_per_year', 'holding_rate_per_year: must be a number'],
      [{ history_days: 30.5 }, 'history_days', 'history_days: must be a whole number'],
      [{ target_rule: 'guess' }, 'target_rule', 'target_rule: must be one of eoq, days_of_cover'],
      [{ abc_cutoff_b: 0.7 }, 'abc_cutoff_b', 'abc_cutoff_b: abc_cutoff_a (0.8) must be below abc_cutoff_b (0.7)'],
      [{ colour: 'blue', service_level_a: 0.5 }, 'colour', 'colour: is not a planning setting'],
      [{}, 'body', 'body: must set at least one setting'],
    ];
    for (const [body, field, message] of refusals) {
      const response = await send('PATCH', '/api/v1/planning/settings', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error.message).toContain(message);
      expect(response.json().error.details[0].field).toBe(field);
    }
    expect((await send('GET', '/api/v1/planning/settings')).json()).toEqual(patched.json());
  });

  it('POST /plan answers what would change; the recommendations list filters and the detail explains', async () => {
    await seed();
    const plan = await send('POST', '/api/v1/plan', { apply: false });
    expect(plan.statusCode).toBe(200);
    expect(plan.json()).toMatchObject({
      pairs: 2,
      counts: { new: 1, changed: 1, unchanged: 0, skipped: 0 },
      applied: 0,
      changes_total: 2,
      problems: [],
    });
    expect(plan.json().changes.map((c: { sku: string; status: string }) => [c.sku, c.status])).toEqual([
      ['NEWBIE', 'new'],
      ['STEADY', 'changed'],
    ]);

    const list = (await send('GET', '/api/v1/recommendations')).json();
    expect(list.data.map((r: { sku: string }) => r.sku)).toEqual(['NEWBIE', 'STEADY']);
    expect(list.data[1]).toMatchObject({
      sku: 'STEADY',
      location: 'BER',
      kind: 'reorder_point',
      reorder_point: 140,
      target: 910,
      order_quantity: 770,
      safety_stock: 0,
      mean_per_day: 10,
      lead_time_days: 14,
      lead_time_source: 'quoted',
      status: 'changed',
      current_policy: { kind: 'reorder_point', reorder_point: 10, target: 100, planning: 'auto' },
      annual_value: 3650,
      currency: 'EUR',
    });
    expect((await send('GET', '/api/v1/recommendations?sku=NEWBIE')).json().data).toHaveLength(1);
    expect((await send('GET', '/api/v1/recommendations?strategy=make_to_order')).json().data).toEqual([]);
    const page = (await send('GET', '/api/v1/recommendations?limit=1')).json();
    expect(page.data.map((r: { sku: string }) => r.sku)).toEqual(['NEWBIE']);
    const next = (await send('GET', `/api/v1/recommendations?limit=1&cursor=${page.next_cursor}`)).json();
    expect(next.data.map((r: { sku: string }) => r.sku)).toEqual(['STEADY']);

    const detail = (await send('GET', '/api/v1/recommendations/STEADY/BER')).json();
    expect(detail.explanation.summary).toContain('140');
    expect(detail.explanation.steps.map((s: { name: string }) => s.name)).toContain('Reorder point');
    expect(detail.explanation.inputs).toMatchObject({ lead_time_days: 14 });

    const unknown = await send('GET', '/api/v1/recommendations/NOPE/BER');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.details[0].field).toBe('sku');
    const bad = await send('GET', '/api/v1/recommendations?strategy=greedy');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^strategy: /);
  });

  it('accept sets one recommendation and orders at once; the change log says why; accepting again changes nothing', async () => {
    await seed();
    await send('POST', '/api/v1/plan', {});
    const accepted = await send('POST', '/api/v1/recommendations/STEADY/BER/accept', { note: 'checked with sales' });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({
      changed: true,
      policy: { reorder_point: 140, target: 910, planning: 'auto' },
      // Position 380 − 280 = 100 ≤ 140: up to 910, that is 810 in packs of 10, from ACME.
      triggered: [expect.objectContaining({ kind: 'order_line', quantity: 810, supplier: 'ACME' })],
    });
    expect((await send('GET', '/api/v1/policies/NEWBIE/BER')).statusCode).toBe(404);
    const changes = (await send('GET', '/api/v1/plan/changes?sku=STEADY')).json();
    expect(changes.data).toEqual([
      {
        id: expect.any(Number),
        at: new Date(now).toISOString(),
        actor: 'ana',
        cause: 'accept',
        sku: 'STEADY',
        location: 'BER',
        before: { sku: 'STEADY', location: 'BER', kind: 'reorder_point', reorder_point: 10, target: 100 },
        after: { sku: 'STEADY', location: 'BER', kind: 'reorder_point', reorder_point: 140, target: 910 },
        note: 'checked with sales',
      },
    ]);
    const again = await send('POST', '/api/v1/recommendations/STEADY/BER/accept');
    expect(again.json()).toMatchObject({ changed: false, triggered: [] });
    expect((await send('GET', '/api/v1/plan/changes')).json().data).toHaveLength(1);
    expect(
      (await send('GET', '/api/v1/recommendations?changed=true')).json().data.map((r: { sku: string }) => r.sku),
    ).toEqual(['NEWBIE']);
  });

  it('pin and override keep a policy through plan --apply; unpin hands it back to the planner', async () => {
    await seed();
    const pinned = await send('POST', '/api/v1/recommendations/STEADY/BER/pin');
    expect(pinned.statusCode).toBe(200);
    expect(pinned.json()).toMatchObject({ planning: 'pinned', reorder_point: 10 });
    const first = (await send('POST', '/api/v1/plan', { apply: true })).json();
    expect(first).toMatchObject({ applied: 1, counts: { new: 1, skipped: 1 } });
    expect(first.changes.find((c: { sku: string }) => c.sku === 'STEADY')).toMatchObject({
      status: 'skipped',
      skip_reason: 'pinned',
      applied: false,
    });
    expect((await send('GET', '/api/v1/policies/STEADY/BER')).json()).toMatchObject({ reorder_point: 10 });

    const override = await send('PUT', '/api/v1/policies/STEADY/BER', {
      kind: 'reorder_point',
      reorder_point: 50,
      target: 400,
      planning: 'override',
    });
    expect(override.json()).toMatchObject({ planning: 'override', reorder_point: 50 });
    const second = (await send('POST', '/api/v1/plan', { apply: true })).json();
    expect(second.changes).toEqual([expect.objectContaining({ sku: 'STEADY', skip_reason: 'override' })]);
    expect((await send('GET', '/api/v1/policies/STEADY/BER')).json()).toMatchObject({ reorder_point: 50 });

    expect((await send('POST', '/api/v1/recommendations/STEADY/BER/unpin')).json()).toMatchObject({ planning: 'auto' });
    const third = (await send('POST', '/api/v1/plan', { apply: true, note: 'back to auto' })).json();
    expect(third).toMatchObject({ applied: 1, counts: { changed: 1, unchanged: 1 } });
    expect((await send('GET', '/api/v1/policies/STEADY/BER')).json()).toMatchObject({
      reorder_point: 140,
      target: 910,
    });
    const log = (await send('GET', '/api/v1/plan/changes')).json().data;
    expect(log.map((c: { sku: string; cause: string; note: string | null }) => [c.sku, c.cause, c.note])).toEqual([
      ['STEADY', 'plan_apply', 'back to auto'],
      ['NEWBIE', 'plan_apply', null],
    ]);

    const none = await send('POST', '/api/v1/recommendations/STEADY/HAM/pin');
    expect(none.statusCode).toBe(404);
    expect(none.json().error.details[0].field).toBe('location');
    await createItem(database(), { sku: 'LONELY', name: 'Lonely', unit: 'pcs' }, ctx(now));
    const noPolicy = await send('POST', '/api/v1/recommendations/LONELY/BER/pin');
    expect(noPolicy.statusCode).toBe(404);
    expect(noPolicy.json().error.details[0].field).toBe('policy');
    const badMode = await send('PUT', '/api/v1/policies/STEADY/BER', {
      kind: 'reorder_point',
      reorder_point: 1,
      target: 2,
      planning: 'sometimes',
    });
    expect(badMode.statusCode).toBe(400);
    expect(badMode.json().error.message).toMatch(/^planning: must be one of auto, pinned, override/);
  });
});

function iso(at: number): string {
  return new Date(at).toISOString();
}
