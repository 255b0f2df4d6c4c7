import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import { seedCatalogue } from '../../test/support/fixtures.js';
import { isDomainError } from '../domain/errors.js';
import type { Database } from '../store/database.js';
import type { ServiceContext } from './context.js';
import { type PostOutcome, postMovements, reverseMovement } from './ledger.service.js';

/*
 * Model-based property: random sequences of valid and invalid ledger calls are run against the
 * service and against a tiny in-memory model of the ledger rules. After every call the database must
 * agree with the model, every balance must equal the sum of its movements, and a refused call must
 * leave movements, balances and stored idempotency keys exactly as they were.
 */

const SKUS = ['A', 'B', 'FLEX'] as const;
const ALLOW_NEGATIVE = new Set<string>(['FLEX']);
const LOCATIONS = ['L1', 'L2'] as const;
const STOCK_TYPES = new Set(['receipt', 'issue', 'sale', 'scrap', 'adjustment', 'count']);
const t0 = Date.UTC(2026, 3, 1, 8);

type Spec = { type: string; sku: string; location: string; to: string; milli: number; keyed: boolean };
type Flaw = 'unknown_sku' | 'unknown_location' | 'four_decimals' | 'zero_quantity' | 'bad_type' | 'overdraw';
type Command =
  | { kind: 'post'; spec: Spec; requestKey: boolean }
  | { kind: 'batch'; specs: Spec[]; flaw: { at: number; flaw: Flaw } | null; requestKey: boolean }
  | { kind: 'reverse'; pick: number; leg: number }
  | { kind: 'replay-movement'; pick: number; changed: boolean }
  | { kind: 'retry-request'; pick: number; changed: boolean };

type Raw = Record<string, unknown>;

const sku = fc.constantFrom(...SKUS);
const location = fc.constantFrom(...LOCATIONS);
const units = fc.integer({ min: 1, max: 20_000 });
const spec = (type: fc.Arbitrary<string>, milli: fc.Arbitrary<number>): fc.Arbitrary<Spec> =>
  fc.record({ type, sku, location, to: fc.constant(''), milli, keyed: fc.boolean() });
const specArb: fc.Arbitrary<Spec> = fc.oneof(
  { weight: 4, arbitrary: spec(fc.constant('receipt'), units) },
  { weight: 4, arbitrary: spec(fc.constantFrom('issue', 'sale', 'scrap'), fc.integer({ min: 1, max: 8_000 })) },
  { weight: 1, arbitrary: spec(fc.constant('adjustment'), fc.integer({ min: -20_000, max: 20_000 }).filter(Boolean)) },
  { weight: 1, arbitrary: spec(fc.constant('count'), fc.integer({ min: 0, max: 30_000 })) },
  {
    weight: 2,
    arbitrary: spec(fc.constant('transfer'), units).map((s) => ({ ...s, to: s.location === 'L1' ? 'L2' : 'L1' })),
  },
);
const flawArb = fc.constantFrom<Flaw>(
  'unknown_sku',
  'unknown_location',
  'four_decimals',
  'zero_quantity',
  'bad_type',
  'overdraw',
);
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('post' as const), spec: specArb, requestKey: fc.boolean() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('batch' as const),
      specs: fc.array(specArb, { minLength: 1, maxLength: 6 }),
      flaw: fc.oneof(
        { weight: 3, arbitrary: fc.constant(null) },
        { weight: 2, arbitrary: fc.record({ at: fc.nat(), flaw: flawArb }) },
      ),
      requestKey: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reverse' as const), pick: fc.nat(), leg: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('replay-movement' as const), pick: fc.nat(), changed: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('retry-request' as const), pick: fc.nat(), changed: fc.boolean() }),
  },
);

type Leg = { id: number; sku: string; location: string; change: number };
type Doc = { legs: Leg[]; reversed: boolean; isReversal: boolean };
type Expected = { ok: true; apply: () => void; check: (outcomes: PostOutcome[]) => void } | { ok: false; code: string };

/** The ledger rules, restated as plainly as possible: the oracle the service is compared with. */
class LedgerModel {
  readonly balances = new Map<string, number>();
  movementCount = 0;
  readonly docs: Doc[] = [];
  readonly byId = new Map<number, Doc>();
  readonly keyed = new Map<string, { type: string; sku: string; location: string; milli: number; doc: Doc }>();
  readonly requestKeys = new Map<string, { hash: string; response: unknown }>();

  balance(sku: string, location: string): number {
    return this.balances.get(`${sku}|${location}`) ?? 0;
  }

  /** What posting `raws` in one call should do. */
  expectPost(raws: Raw[]): Expected {
    const keys = raws.map((raw) => raw['idempotency_key'] as string | undefined).filter((k) => k !== undefined);
    if (raws.some((raw) => !isWellFormed(raw)) || new Set(keys).size !== keys.length) {
      return { ok: false, code: 'LS_VALIDATION' };
    }
    for (const raw of raws) {
      if (!SKUS.includes(raw['sku'] as never)) return { ok: false, code: 'LS_UNKNOWN_ITEM' };
      const codes = raw['type'] === 'transfer' ? [raw['from'], raw['to']] : [raw['location']];
      if (codes.some((code) => !LOCATIONS.includes(code as never))) return { ok: false, code: 'LS_UNKNOWN_LOCATION' };
    }
    const working = new Map(this.balances);
    const get = (s: string, l: string) => working.get(`${s}|${l}`) ?? 0;
    const planned: Array<{ replayOf: Doc | null; legs: Array<Omit<Leg, 'id'> & { after: number }> }> = [];
    let problem: string | null = null;
    for (const raw of raws) {
      const type = raw['type'] as string;
      const s = raw['sku'] as string;
      const milli = Math.round((raw['quantity'] as number) * 1000);
      const from = (type === 'transfer' ? raw['from'] : raw['location']) as string;
      const key = raw['idempotency_key'] as string | undefined;
      const earlier = key === undefined ? undefined : this.keyed.get(key);
      if (earlier) {
        const same = earlier.type === type && earlier.sku === s && earlier.location === from && earlier.milli === milli;
        if (!same) problem ??= 'LS_IDEMPOTENCY_CONFLICT';
        planned.push({ replayOf: earlier.doc, legs: [] });
        continue;
      }
      const legs =
        type === 'transfer'
          ? [
              { location: from, change: -milli },
              { location: raw['to'] as string, change: milli },
            ]
          : [{ location: from, change: type === 'count' ? milli - get(s, from) : signed(type, milli) }];
      const done: Array<Omit<Leg, 'id'> & { after: number }> = [];
      for (const leg of legs) {
        const after = get(s, leg.location) + leg.change;
        if (after < 0 && leg.change < 0 && !ALLOW_NEGATIVE.has(s)) {
          problem ??= 'LS_NEGATIVE_STOCK';
          continue;
        }
        working.set(`${s}|${leg.location}`, after);
        done.push({ sku: s, location: leg.location, change: leg.change, after });
      }
      planned.push({ replayOf: null, legs: done });
    }
    if (problem) return { ok: false, code: problem };
    return {
      ok: true,
      check: (outcomes) => {
        expect(outcomes).toHaveLength(planned.length);
        planned.forEach((plan, i) => {
          const outcome = outcomes[i]!;
          expect(outcome.replayed).toBe(plan.replayOf !== null);
          if (plan.replayOf) {
            expect(outcome.movements.map((m) => m.id)).toEqual(plan.replayOf.legs.map((leg) => leg.id));
            return;
          }
          expect(outcome.movements.map((m) => [m.sku, m.location, Math.round(m.on_hand_change * 1000)])).toEqual(
            plan.legs.map((leg) => [leg.sku, leg.location, leg.change]),
          );
          expect(outcome.balances.map((b) => Math.round(b.on_hand * 1000))).toEqual(plan.legs.map((leg) => leg.after));
        });
      },
      apply: () => {
        for (const [key, value] of working) this.balances.set(key, value);
      },
    };
  }

  /** Records a committed post: new documents and the movement keys they carry. */
  commitPost(raws: Raw[], outcomes: PostOutcome[]): void {
    outcomes.forEach((outcome, i) => {
      if (outcome.replayed) return;
      const raw = raws[i]!;
      const doc: Doc = {
        legs: outcome.movements.map((m) => ({
          id: m.id,
          sku: m.sku,
          location: m.location,
          change: Math.round(m.on_hand_change * 1000),
        })),
        reversed: false,
        isReversal: false,
      };
      this.addDoc(doc);
      const key = raw['idempotency_key'] as string | undefined;
      if (key !== undefined) {
        const type = raw['type'] as string;
        this.keyed.set(key, {
          type,
          sku: raw['sku'] as string,
          location: (type === 'transfer' ? raw['from'] : raw['location']) as string,
          milli: Math.round((raw['quantity'] as number) * 1000),
          doc,
        });
      }
    });
  }

  addDoc(doc: Doc): void {
    this.docs.push(doc);
    this.movementCount += doc.legs.length;
    for (const leg of doc.legs) this.byId.set(leg.id, doc);
  }

  /** What reversing the movement with this id should do. */
  expectReverse(id: number): { ok: true; legs: Leg[] } | { ok: false; code: string } {
    const doc = this.byId.get(id);
    if (!doc) return { ok: false, code: 'LS_UNKNOWN_MOVEMENT' };
    if (doc.isReversal) return { ok: false, code: 'LS_VALIDATION' };
    if (doc.reversed) return { ok: false, code: 'LS_ALREADY_REVERSED' };
    for (const leg of doc.legs) {
      const after = this.balance(leg.sku, leg.location) - leg.change;
      if (after < 0 && leg.change > 0 && !ALLOW_NEGATIVE.has(leg.sku)) return { ok: false, code: 'LS_NEGATIVE_STOCK' };
    }
    return { ok: true, legs: doc.legs };
  }
}

function signed(type: string, milli: number): number {
  return type === 'issue' || type === 'sale' || type === 'scrap' ? -milli : milli;
}

/** The shape rules: a known type, a quantity with at most 3 decimals that suits the type. */
function isWellFormed(raw: Raw): boolean {
  const type = raw['type'];
  if (type !== 'transfer' && !STOCK_TYPES.has(type as string)) return false;
  const quantity = raw['quantity'] as number;
  const milli = Math.round(quantity * 1000);
  if (Math.abs(milli / 1000 - quantity) > 1e-9) return false;
  if (type === 'adjustment') return milli !== 0;
  if (type === 'count') return milli >= 0;
  return milli > 0;
}

function toRaw(s: Spec, key: string | undefined): Raw {
  const raw: Raw =
    s.type === 'transfer'
      ? { type: 'transfer', sku: s.sku, from: s.location, to: s.to, quantity: s.milli / 1000 }
      : { type: s.type, sku: s.sku, location: s.location, quantity: s.milli / 1000 };
  if (key !== undefined) raw['idempotency_key'] = key;
  return raw;
}

function withFlaw(raw: Raw, flaw: Flaw): Raw {
  switch (flaw) {
    case 'unknown_sku':
      return { ...raw, sku: 'GHOST' };
    case 'unknown_location':
      return raw['type'] === 'transfer' ? { ...raw, to: 'NOWHERE' } : { ...raw, location: 'NOWHERE' };
    case 'four_decimals':
      return { ...raw, quantity: 1.0005 };
    case 'zero_quantity':
      return { type: 'receipt', sku: raw['sku'], location: 'L1', quantity: 0 };
    case 'bad_type':
      return { ...raw, type: 'teleport' };
    case 'overdraw':
      return { type: 'issue', sku: 'A', location: 'L1', quantity: 1_000_000 };
  }
}

type Snapshot = { movements: number; balances: string; keys: number };

async function snapshot(database: Database, skuOf: Map<number, string>, codeOf: Map<number, string>) {
  const db = database.db;
  const balances = await db.selectFrom('balances').select(['item_id', 'location_id', 'on_hand_milli']).execute();
  const sums = await db
    .selectFrom('movements')
    .select((eb) => ['item_id', 'location_id', eb.fn.sum<number>('quantity_milli').as('total')])
    .groupBy(['item_id', 'location_id'])
    .execute();
  const [{ movements }] = (await db
    .selectFrom('movements')
    .select((eb) => eb.fn.countAll<number>().as('movements'))
    .execute()) as [{ movements: number }];
  const [{ keys }] = (await db
    .selectFrom('idempotency_keys')
    .select((eb) => eb.fn.countAll<number>().as('keys'))
    .execute()) as [{ keys: number }];
  const onHand = new Map<string, number>();
  for (const row of balances) {
    if (row.on_hand_milli !== 0)
      onHand.set(`${skuOf.get(row.item_id)}|${codeOf.get(row.location_id)}`, row.on_hand_milli);
  }
  const ledger = new Map<string, number>();
  for (const row of sums) {
    if (Number(row.total) !== 0)
      ledger.set(`${skuOf.get(row.item_id)}|${codeOf.get(row.location_id)}`, Number(row.total));
  }
  return { onHand, ledger, snap: { movements: Number(movements), balances: sorted(onHand), keys: Number(keys) } };
}

function sorted(map: Map<string, number>): string {
  return JSON.stringify([...map].sort(([a], [b]) => a.localeCompare(b)));
}

function withoutZeros(map: Map<string, number>): Map<string, number> {
  return new Map([...map].filter(([, value]) => value !== 0));
}

describeEachDialect('stock ledger properties', ({ database }) => {
  it('random valid and invalid calls keep every balance equal to its ledger and refused calls leave no trace', async () => {
    const db = database();
    await seedCatalogue(db, { items: ['A', 'B', { sku: 'FLEX', allowNegative: true }], locations: [...LOCATIONS] });
    const skuOf = new Map((await db.db.selectFrom('items').select(['id', 'sku']).execute()).map((r) => [r.id, r.sku]));
    const codeOf = new Map(
      (await db.db.selectFrom('locations').select(['id', 'code']).execute()).map((r) => [r.id, r.code]),
    );

    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 5, maxLength: 30 }), async (commands) => {
        await db.db.deleteFrom('idempotency_keys').execute();
        await db.db.deleteFrom('movements').execute();
        await db.db.deleteFrom('balances').execute();
        const model = new LedgerModel();
        const keyedRaws: Raw[] = [];
        const requests: Array<{ raws: Raw[]; key: string }> = [];
        let serial = 0;
        const ctx = (requestKey?: string): ServiceContext => ({
          actor: 'property',
          now: t0 + serial * 1000,
          ...(requestKey === undefined ? {} : { idempotencyKey: requestKey }),
        });

        for (const command of commands) {
          serial++;
          const before = await snapshot(db, skuOf, codeOf);
          let raws: Raw[] | null = null;
          let requestKey: string | undefined;
          let reverseId: number | null = null;
          let refused = false;

          switch (command.kind) {
            case 'post':
            case 'batch': {
              const specs = command.kind === 'post' ? [command.spec] : command.specs;
              raws = specs.map((s, i) => toRaw(s, s.keyed ? `mk-${serial}-${i}` : undefined));
              if (command.kind === 'batch' && command.flaw) {
                const at = command.flaw.at % (raws.length + 1);
                raws.splice(at, 0, withFlaw(toRaw(specs[0]!, undefined), command.flaw.flaw));
              }
              for (const raw of raws) if (raw['idempotency_key'] !== undefined) keyedRaws.push(raw);
              if (command.requestKey) requestKey = `rk-${serial}`;
              break;
            }
            case 'replay-movement': {
              const earlier = keyedRaws[command.pick % Math.max(1, keyedRaws.length)];
              if (!earlier) continue;
              raws = [command.changed ? { ...earlier, quantity: (earlier['quantity'] as number) + 1 } : earlier];
              break;
            }
            case 'retry-request': {
              const earlier = requests[command.pick % Math.max(1, requests.length)];
              if (!earlier) continue;
              const [head, ...rest] = earlier.raws;
              raws = command.changed
                ? [{ ...head, quantity: (head!['quantity'] as number) + 1 }, ...rest]
                : earlier.raws;
              requestKey = earlier.key;
              break;
            }
            case 'reverse': {
              const doc = model.docs[command.pick % Math.max(1, model.docs.length)];
              reverseId = doc ? doc.legs[command.leg % doc.legs.length]!.id : 1_000_000;
              break;
            }
          }

          if (raws) {
            if (requestKey !== undefined && command.kind !== 'retry-request') requests.push({ raws, key: requestKey });
            const hash = JSON.stringify(raws);
            const stored = requestKey === undefined ? undefined : model.requestKeys.get(requestKey);
            const expected: Expected = stored
              ? stored.hash === hash
                ? { ok: true, apply: () => {}, check: (outcomes) => expect(outcomes).toEqual(stored.response) }
                : { ok: false, code: 'LS_IDEMPOTENCY_CONFLICT' }
              : model.expectPost(raws);
            const result = await postMovements(db, raws, ctx(requestKey)).then(
              (outcomes) => ({ ok: true as const, outcomes }),
              (error: unknown) => {
                if (!isDomainError(error)) throw error;
                return { ok: false as const, code: error.code as string };
              },
            );
            refused = !expected.ok;
            if (!expected.ok) {
              expect(result).toEqual({ ok: false, code: expected.code });
            } else {
              expect(result.ok, JSON.stringify(result)).toBe(true);
              const outcomes = (result as { outcomes: PostOutcome[] }).outcomes;
              expected.check(outcomes);
              if (!stored) {
                expected.apply();
                model.commitPost(raws, outcomes);
                if (requestKey !== undefined) model.requestKeys.set(requestKey, { hash, response: outcomes });
              }
            }
          } else if (reverseId !== null) {
            const expected = model.expectReverse(reverseId);
            const result = await reverseMovement(db, reverseId, { reason: 'property test' }, ctx()).then(
              (outcome) => ({ ok: true as const, outcome }),
              (error: unknown) => {
                if (!isDomainError(error)) throw error;
                return { ok: false as const, code: error.code as string };
              },
            );
            refused = !expected.ok;
            if (!expected.ok) {
              expect(result).toEqual({ ok: false, code: expected.code });
            } else {
              expect(result.ok, JSON.stringify(result)).toBe(true);
              const { outcome } = result as { outcome: PostOutcome };
              expect(outcome.movements.map((m) => Math.round(m.on_hand_change * 1000))).toEqual(
                expected.legs.map((leg) => -leg.change),
              );
              model.byId.get(reverseId)!.reversed = true;
              model.addDoc({
                legs: outcome.movements.map((m, i) => ({
                  ...expected.legs[i]!,
                  id: m.id,
                  change: -expected.legs[i]!.change,
                })),
                reversed: false,
                isReversal: true,
              });
              for (const leg of expected.legs) {
                const key = `${leg.sku}|${leg.location}`;
                model.balances.set(key, (model.balances.get(key) ?? 0) - leg.change);
              }
            }
          }

          const after = await snapshot(db, skuOf, codeOf);
          // The ledger is the truth: every balance equals the sum of its movements.
          expect(sorted(after.onHand)).toBe(sorted(after.ledger));
          // The database agrees with the model, movement for movement and balance for balance.
          expect(after.snap).toEqual({
            movements: model.movementCount,
            balances: sorted(withoutZeros(model.balances)),
            keys: model.requestKeys.size,
          } satisfies Snapshot);
          for (const [key, value] of after.onHand) {
            if (!ALLOW_NEGATIVE.has(key.split('|')[0]!)) expect(value, key).toBeGreaterThanOrEqual(0);
          }
          // A refused call leaves no trace: no movement, no balance change, no stored idempotency key.
          if (refused) expect(after.snap).toEqual(before.snap);
        }
      }),
      { numRuns: 50 },
    );
  });
});
