/**
 * The movements every ingest benchmark posts: receipts and issues over `items` × `locations`, drawn
 * from a seeded generator so every run (and the raw baseline in the same run) sees the same rows.
 * Issues never take a balance below zero, so the service refuses nothing.
 */
export type Workload = {
  count: number;
  skus: string[];
  locations: string[];
  itemIndex: Uint32Array;
  locationIndex: Uint8Array;
  /** Signed change of on hand in milli-units: positive receipts, negative issues. */
  changeMilli: Int32Array;
};

export const LOCATION_CODES = ['WH-MAIN', 'STORE-1', 'STORE-2', 'STORE-3'];

export function skuOf(index: number): string {
  return `SKU-${String(index).padStart(6, '0')}`;
}

export function generateWorkload(options: {
  count: number;
  items: number;
  locations: number;
  seed?: number;
}): Workload {
  const { count, items, locations } = options;
  const random = mulberry32(options.seed ?? 42);
  const itemIndex = new Uint32Array(count);
  const locationIndex = new Uint8Array(count);
  const changeMilli = new Int32Array(count);
  const balance = new Float64Array(items * locations);
  for (let i = 0; i < count; i++) {
    const item = Math.floor(random() * items);
    const location = Math.floor(random() * locations);
    const pair = item * locations + location;
    // Whole units mostly, a quarter with three decimals (weighed goods).
    const milli = random() < 0.75 ? 1000 * (1 + Math.floor(random() * 50)) : 1 + Math.floor(random() * 50_000);
    const issue = random() < 0.45 && balance[pair]! >= milli;
    const change = issue ? -milli : milli;
    balance[pair] = balance[pair]! + change;
    itemIndex[i] = item;
    locationIndex[i] = location;
    changeMilli[i] = change;
  }
  return {
    count,
    skus: Array.from({ length: items }, (_, i) => skuOf(i)),
    locations: LOCATION_CODES.slice(0, locations),
    itemIndex,
    locationIndex,
    changeMilli,
  };
}

/** Movement `i` as a client would post it (the body of POST /api/v1/movements). */
export function rawMovement(workload: Workload, i: number): Record<string, unknown> {
  const change = workload.changeMilli[i]!;
  return {
    type: change > 0 ? 'receipt' : 'issue',
    sku: workload.skus[workload.itemIndex[i]!],
    location: workload.locations[workload.locationIndex[i]!],
    quantity: Math.abs(change) / 1000,
    reference: change > 0 ? `PO-${1000 + (i % 9000)}` : `WO-${1000 + (i % 9000)}`,
  };
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
