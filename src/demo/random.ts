/**
 * A seeded source of random numbers, so that a demo (or a simulation) is reproducible: the same
 * seed gives the same sequence on every machine. Never reads `Math.random`.
 */
export type Random = {
  /** Uniform on [0, 1). */
  next(): number;
  /** Uniform integer on [min, max], both ends included. */
  int(min: number, max: number): number;
  /** Uniform on [min, max). */
  uniform(min: number, max: number): number;
  /** True with probability `p` (0–1). */
  chance(p: number): boolean;
  pick<T>(values: readonly T[]): T;
  /** Picks by non-negative weights (need not sum to 1). */
  pickWeighted<T>(values: readonly T[], weights: readonly number[]): T;
  /** Standard normal via Box–Muller, scaled: mean + sd·Z. */
  normal(mean: number, sd: number): number;
  /** Gamma(shape, scale) with mean shape·scale (Marsaglia–Tsang, 2000). */
  gamma(shape: number, scale: number): number;
  /** Poisson(mean): Knuth's product method below 30, a rounded normal above. */
  poisson(mean: number): number;
  /** An independent stream derived from this seed and `label` (e.g. one per item). */
  fork(label: string): Random;
};

/**
 * mulberry32 (Tommy Ettinger, public domain): a 32-bit state generator, fast and good enough for
 * simulation (not for cryptography).
 *
 * @example createRandom(42).next() // the same number on every run
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  let spareNormal: number | undefined;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const standardNormal = (): number => {
    if (spareNormal !== undefined) {
      const value = spareNormal;
      spareNormal = undefined;
      return value;
    }
    let u = next();
    while (u <= Number.MIN_VALUE) u = next();
    const v = next();
    const radius = Math.sqrt(-2 * Math.log(u));
    spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
  const gamma = (shape: number, scale: number): number => {
    if (shape < 1) return gamma(shape + 1, scale) * next() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = standardNormal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = next();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  };
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    uniform: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick: (values) => values[Math.floor(next() * values.length)]!,
    pickWeighted(values, weights) {
      const total = weights.reduce((sum, w) => sum + w, 0);
      let target = next() * total;
      for (let i = 0; i < values.length; i++) {
        target -= weights[i]!;
        if (target < 0) return values[i]!;
      }
      return values[values.length - 1]!;
    },
    normal: (mean, sd) => mean + sd * standardNormal(),
    gamma,
    poisson(mean) {
      if (mean <= 0) return 0;
      if (mean >= 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * standardNormal()));
      const limit = Math.exp(-mean);
      let count = 0;
      let product = next();
      while (product > limit) {
        count++;
        product *= next();
      }
      return count;
    },
    fork: (label) => createRandom(hashSeed(seed, label)),
  };
  return random;
}

/** Mixes a seed and a label into a new 32-bit seed (FNV-1a over the label, then a murmur finaliser). */
export function hashSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}
