/**
 * Bills of materials: a component's gross requirement with scrap, cycle detection, the version effective on a
 * date, and low-level codes. Quantities are integer milli-units, scrap in basis points (500 = 5 %).
 */

/** One line of a BOM: `quantityPerMilli` of the component per one unit of the parent, plus `scrapBp` scrap. */
export type BomLineInput = { componentItemId: number; quantityPerMilli: number; scrapBp: number };

const SCRAP_SCALE = 10_000;
/** parent (milli) × per (milli) × (10,000 + scrap bp) ÷ DIVISOR = requirement in milli. */
const DIVISOR = 1000 * SCRAP_SCALE;
const BIG_DIVISOR = BigInt(DIVISOR);

/**
 * Gross requirement of a component for `parentMilli` of the parent: parent × quantity per × (1 + scrap), rounded
 * up to 0.001, and up to a whole unit when the component is counted in whole units (`countUnit`).
 *
 * In milli-units: ⌈parentMilli × quantityPerMilli × (10,000 + scrapBp) ÷ 10⁷⌉, computed exactly (BigInt when the
 * product passes 2⁵³). Throws RangeError for a negative or fractional input, scrap outside 0..9999 or a result
 * beyond 2⁵³.
 *
 * @example componentRequirementMilli(10_000, 2_500, 500, false) // 26_250: 10 × 2.5 × 1.05 = 26.25
 * @example componentRequirementMilli(10_000, 333, 0, true) // 4_000: 10 × 0.333 = 3.33 → 4 whole units
 */
export function componentRequirementMilli(
  parentMilli: number,
  quantityPerMilli: number,
  scrapBp: number,
  countUnit: boolean,
): number {
  if (!Number.isSafeInteger(parentMilli) || parentMilli < 0) {
    throw new RangeError(`parent quantity must be a non-negative integer of milli-units, got ${parentMilli}`);
  }
  if (!Number.isSafeInteger(quantityPerMilli) || quantityPerMilli < 0) {
    throw new RangeError(`quantity per must be a non-negative integer of milli-units, got ${quantityPerMilli}`);
  }
  if (!Number.isInteger(scrapBp) || scrapBp < 0 || scrapBp >= SCRAP_SCALE) {
    throw new RangeError(`scrap must be an integer of basis points in 0..9999, got ${scrapBp}`);
  }
  const factor = SCRAP_SCALE + scrapBp;
  let milli: number;
  const partial = parentMilli * quantityPerMilli;
  if (partial <= Number.MAX_SAFE_INTEGER / factor) {
    const numerator = partial * factor;
    milli = Math.floor(numerator / DIVISOR);
    if (milli * DIVISOR < numerator) milli += 1;
  } else {
    const numerator = BigInt(parentMilli) * BigInt(quantityPerMilli) * BigInt(factor);
    const quotient = (numerator + BIG_DIVISOR - 1n) / BIG_DIVISOR;
    if (quotient > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new RangeError(`requirement of ${parentMilli} × ${quantityPerMilli} is beyond 2^53 milli-units`);
    }
    milli = Number(quotient);
  }
  if (countUnit) {
    const rest = milli % 1000;
    if (rest !== 0) milli += 1000 - rest;
  }
  return milli;
}

/**
 * The path that closes a cycle when `parent` gets `components`, given the existing edges (parent → components of
 * any of its BOM versions): [parent, component, …, parent], the shortest such path; [A, A] when A lists itself;
 * null when the new edges close no cycle.
 *
 * @example findBomCycle(new Map([[2, [3]], [3, [1]]]), 1, [2]) // [1, 2, 3, 1]
 */
export function findBomCycle(
  edges: ReadonlyMap<number, readonly number[]>,
  parent: number,
  components: readonly number[],
): number[] | null {
  if (components.includes(parent)) return [parent, parent];
  // Breadth-first from the new components back to `parent`; `cameFrom` records the first way into each item.
  const cameFrom = new Map<number, number>();
  const queue: number[] = [];
  for (const component of components) {
    if (cameFrom.has(component)) continue;
    cameFrom.set(component, parent);
    queue.push(component);
  }
  for (let head = 0; head < queue.length; head++) {
    const item = queue[head]!;
    for (const next of edges.get(item) ?? []) {
      if (next === parent) {
        const backwards: number[] = [];
        for (let at = item; at !== parent; at = cameFrom.get(at)!) backwards.push(at);
        return [parent, ...backwards.reverse(), parent];
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, item);
        queue.push(next);
      }
    }
  }
  return null;
}

/**
 * The BOM version effective on `date` (YYYY-MM-DD): validFrom ≤ date < validTo, a null bound being open; when
 * several are, the highest version wins. Undefined when none is.
 *
 * @example effectiveBom([{ version: 1, validFrom: null, validTo: '2026-07-01' }, { version: 2, validFrom: '2026-07-01', validTo: null }], '2026-06-30') // version 1
 */
export function effectiveBom<T extends { version: number; validFrom: string | null; validTo: string | null }>(
  versions: readonly T[],
  date: string,
): T | undefined {
  let best: T | undefined;
  for (const candidate of versions) {
    if (candidate.validFrom !== null && candidate.validFrom > date) continue;
    if (candidate.validTo !== null && candidate.validTo <= date) continue;
    if (best === undefined || candidate.version > best.version) best = candidate;
  }
  return best;
}

/**
 * Low-level code of each item in `edges` (as parent or component): 0 for items that are no one's component, else
 * 1 + the largest code among its parents — the deepest level at which it appears, so an item's gross requirements
 * are all known once every lower code has been planned. Throws RangeError when the edges hold a cycle.
 *
 * @example lowLevelCodes(new Map([[1, [2, 3]], [2, [3]]])) // 1 → 0, 2 → 1, 3 → 2
 */
export function lowLevelCodes(edges: ReadonlyMap<number, readonly number[]>): Map<number, number> {
  const parentsLeft = new Map<number, number>();
  for (const [parent, components] of edges) {
    if (!parentsLeft.has(parent)) parentsLeft.set(parent, 0);
    for (const component of components) parentsLeft.set(component, (parentsLeft.get(component) ?? 0) + 1);
  }
  const codes = new Map<number, number>();
  const ready: number[] = [];
  for (const [item, count] of parentsLeft) {
    if (count === 0) {
      ready.push(item);
      codes.set(item, 0);
    }
  }
  for (let head = 0; head < ready.length; head++) {
    const item = ready[head]!;
    const code = codes.get(item)!;
    for (const component of edges.get(item) ?? []) {
      if ((codes.get(component) ?? -1) < code + 1) codes.set(component, code + 1);
      const left = parentsLeft.get(component)! - 1;
      parentsLeft.set(component, left);
      if (left === 0) ready.push(component);
    }
  }
  if (ready.length < parentsLeft.size) {
    const stuck = [...parentsLeft].filter(([, count]) => count > 0).map(([item]) => item);
    throw new RangeError(`the BOM edges hold a cycle through items ${stuck.slice(0, 10).join(', ')}`);
  }
  return codes;
}
