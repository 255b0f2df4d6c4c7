/**
 * A seeded random source for the simulator: xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", 2018) on four 32-bit words, seeded through splitmix32. Fast in JavaScript (32-bit integer arithmetic
 * with `Math.imul`, state in an Int32Array so no number is boxed) and never global: every stream comes from a seed.
 */
export type RandomSource = {
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number;
  /** Poisson with the given mean (≥ 0): inversion below a mean of 30, PTRS (Hörmann 1993) from there. */
  poisson(mean: number): number;
  /** Standard normal (Marsaglia's polar method; the second value of each pair is kept for the next call). */
  normal(): number;
  /** Gamma with shape k > 0 and scale θ > 0 (mean kθ, variance kθ²); Marsaglia & Tsang (2000). */
  gamma(shape: number, scale: number): number;
  /** Negative binomial with the given mean and standard deviation (sd² > mean), as a gamma–Poisson mixture. */
  negativeBinomial(mean: number, sd: number): number;
  /** Lognormal whose own mean and standard deviation (not those of its logarithm) are given. */
  lognormal(mean: number, sd: number): number;
};

const TWO_POW_32 = 4294967296;
/** Poisson means below this are drawn by inversion (their table, mean + 12√mean + 12 entries, fits in 128). */
const INVERSION_MAX_MEAN = 30;
const GUIDE_SIZE = 128;

/** splitmix32 step (a 32-bit variant of Steele, Lea & Flood's SplitMix): used only to spread a seed over the state. */
function splitmix32(state: Int32Array): number {
  state[0] = (state[0]! + 0x9e3779b9) | 0;
  let z = state[0]!;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return z ^ (z >>> 16);
}

class Xoshiro128 implements RandomSource {
  private readonly s: Int32Array;
  /** [0]: 1 when a spare normal is held; [1]: the spare. */
  private readonly spare: Float64Array;
  /** The last Poisson mean and its constants: [mean, e^−mean, ln mean, b, a, ln(1/α), v_r, table built, last k]. */
  private readonly poissonCache: Float64Array;
  private readonly poissonCdf: Float64Array;
  private readonly poissonGuide: Int32Array;

  constructor(seed: number) {
    const mix = new Int32Array([seed | 0]);
    this.s = new Int32Array(4);
    for (let i = 0; i < 4; i++) this.s[i] = splitmix32(mix);
    // An all-zero state would stay zero for ever.
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 1;
    this.spare = new Float64Array(2);
    this.poissonCache = new Float64Array(9).fill(Number.NaN);
    this.poissonCdf = new Float64Array(128);
    this.poissonGuide = new Int32Array(GUIDE_SIZE);
  }

  nextUint32(): number {
    const s = this.s;
    const s0 = s[0]!;
    const s1 = s[1]!;
    const s2 = s[2]!;
    const s3 = s[3]!;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = (n3 << 11) | (n3 >>> 21);
    return result >>> 0;
  }

  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform in (0, 1): never 0, so logarithms stay finite. */
  private nextOpen(): number {
    return (this.nextUint32() + 0.5) / TWO_POW_32;
  }

  poisson(mean: number): number {
    if (!(mean > 0)) return 0;
    const c = this.poissonCache;
    // Simulated days mostly repeat the same mean: its constants are kept, and from its second call in a row its
    // cumulative table, which gives the same k for the same uniform as the sequential search, without a division.
    if (c[0] !== mean) this.preparePoisson(mean);
    else if (c[7] === 0 && mean < INVERSION_MAX_MEAN) this.buildPoissonTable(mean);
    if (!(mean < INVERSION_MAX_MEAN)) return this.poissonPtrs(mean);
    const u = this.next();
    if (c[7] === 1) {
      const cdf = this.poissonCdf;
      let k = this.poissonGuide[Math.floor(u * GUIDE_SIZE)]!;
      while (u > cdf[k]!) k++;
      return k;
    }
    // Inversion by sequential search: one uniform, about mean + 1 steps, the tail beyond `last` (probability below
    // 1e-20) folded into it.
    const last = c[8]!;
    let p = c[1]!;
    let cumulative = p;
    let k = 0;
    while (u > cumulative && k < last) {
      k++;
      p *= mean / k;
      cumulative += p;
    }
    return k;
  }

  private preparePoisson(mean: number): void {
    const c = this.poissonCache;
    c[0] = mean;
    c[7] = 0;
    if (mean < INVERSION_MAX_MEAN) {
      c[1] = Math.exp(-mean);
      c[8] = Math.ceil(mean + 12 * Math.sqrt(mean) + 12);
      return;
    }
    const b = 0.931 + 2.53 * Math.sqrt(mean);
    const a = -0.059 + 0.02483 * b;
    c[2] = Math.log(mean);
    c[3] = b;
    c[4] = a;
    c[5] = Math.log(1.1239 + 1.1328 / (b - 3.4));
    c[6] = 0.9277 - 3.6224 / (b - 2);
  }

  /** The cumulative probabilities 0 … last (the last set to 1) and a guide table (Chen & Asau, 1974) into them. */
  private buildPoissonTable(mean: number): void {
    const c = this.poissonCache;
    const cdf = this.poissonCdf;
    const last = c[8]!;
    let p = c[1]!;
    let cumulative = p;
    cdf[0] = p;
    for (let k = 1; k < last; k++) {
      p *= mean / k;
      cumulative += p;
      cdf[k] = cumulative;
    }
    cdf[last] = 1;
    const guide = this.poissonGuide;
    let k = 0;
    for (let j = 0; j < GUIDE_SIZE; j++) {
      const threshold = j / GUIDE_SIZE;
      while (cdf[k]! < threshold) k++;
      guide[j] = k;
    }
    c[7] = 1;
  }

  /**
   * PTRS, transformed rejection with squeeze: W. Hörmann, "The transformed rejection method for generating Poisson
   * random variables", Insurance: Mathematics and Economics 12 (1993) 39–45. Exact for mean ≥ 10; used from 30.
   */
  private poissonPtrs(mean: number): number {
    const c = this.poissonCache;
    const logLam = c[2]!;
    const b = c[3]!;
    const a = c[4]!;
    const logInvAlpha = c[5]!;
    const vr = c[6]!;
    for (;;) {
      const u = this.next() - 0.5;
      const v = this.nextOpen();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + logInvAlpha - Math.log(a / (us * us) + b) <= -mean + k * logLam - logFactorial(k)) {
        return k;
      }
    }
  }

  normal(): number {
    const spare = this.spare;
    if (spare[0] === 1) {
      spare[0] = 0;
      return spare[1]!;
    }
    let x: number;
    let y: number;
    let r: number;
    do {
      x = 2 * this.next() - 1;
      y = 2 * this.next() - 1;
      r = x * x + y * y;
    } while (r >= 1 || r === 0);
    const f = Math.sqrt((-2 * Math.log(r)) / r);
    spare[0] = 1;
    spare[1] = y * f;
    return x * f;
  }

  gamma(shape: number, scale: number): number {
    if (shape < 1) {
      // Boost: Gamma(k) = Gamma(k + 1) · U^(1/k) (Marsaglia & Tsang, section 6).
      return this.gamma(shape + 1, scale) * this.nextOpen() ** (1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.nextOpen();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v * scale;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  negativeBinomial(mean: number, sd: number): number {
    if (!(mean > 0)) return 0;
    const excess = sd * sd - mean;
    if (!(excess > 0)) return this.poisson(mean);
    // λ ~ Gamma(r, mean / r) with r = mean² / (sd² − mean): then Poisson(λ) has the given mean and variance.
    const r = (mean * mean) / excess;
    return this.poisson(this.gamma(r, mean / r));
  }

  lognormal(mean: number, sd: number): number {
    if (!(sd > 0)) return mean;
    const sigma2 = Math.log(1 + (sd * sd) / (mean * mean));
    return Math.exp(Math.log(mean) - sigma2 / 2 + Math.sqrt(sigma2) * this.normal());
  }
}

const LOG_FACTORIAL_TABLE = (() => {
  const table = new Float64Array(256);
  for (let k = 2; k < 256; k++) table[k] = table[k - 1]! + Math.log(k);
  return table;
})();

/** ln k!: a table below 256, Stirling's series above (error < 1e-12 there). */
function logFactorial(k: number): number {
  if (k < 256) return LOG_FACTORIAL_TABLE[k]!;
  const inv = 1 / k;
  const inv2 = inv * inv;
  return (k + 0.5) * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI) + inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260));
}

/**
 * A seeded random source; the same seed gives the same stream on every platform (integer arithmetic only, floats
 * from `Math.log`/`Math.exp`/`Math.sqrt` in the samplers).
 *
 * @example createRandom(42).next() // the same number on every call with 42
 */
export function createRandom(seed: number): RandomSource {
  return new Xoshiro128(seed);
}

/**
 * The seed of one run of one item: FNV-1a of the key's UTF-16 code units, mixed with the seed (its low and high
 * 32 bits, so a seed up to 2^53 counts whole) and the run number
 * through murmur3's finaliser. A run's stream depends only on (seed, key, run), never on the item's position, the
 * order of runs or the number of threads.
 *
 * @example deriveSeed(7, 'BOLT-M8@MAIN', 0) === deriveSeed(7, 'BOLT-M8@MAIN', 0) // true; run 1 gives another seed
 */
export function deriveSeed(seed: number, key: string, run: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  const high = Math.floor(seed / TWO_POW_32) | 0;
  h = fmix32(h ^ fmix32((seed | 0) ^ 0x5bd1e995) ^ Math.imul(high, 0x27d4eb2f));
  h = fmix32(h ^ Math.imul((run | 0) + 1, 0x9e3779b1));
  return h >>> 0;
}

function fmix32(value: number): number {
  let h = value;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
