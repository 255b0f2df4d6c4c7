import { describe, expect, it } from 'vitest';
import { createRandom, hashSeed } from './random.js';

const draw = (seed: number, n: number) => {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => random.next());
};

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

describe('seeded random source', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    expect(draw(42, 20)).toEqual(draw(42, 20));
    expect(draw(42, 20)).not.toEqual(draw(43, 20));
  });

  it('gives numbers in [0, 1) and integers within both bounds', () => {
    const random = createRandom(7);
    const floats = Array.from({ length: 10_000 }, () => random.next());
    expect(Math.min(...floats)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...floats)).toBeLessThan(1);
    const ints = new Set(Array.from({ length: 1000 }, () => random.int(3, 5)));
    expect([...ints].sort()).toEqual([3, 4, 5]);
  });

  it('forks a stream that depends on the label but not on how much the parent has drawn', () => {
    const a = createRandom(1);
    const b = createRandom(1);
    b.next();
    b.next();
    expect(a.fork('item:X').next()).toBe(b.fork('item:X').next());
    expect(a.fork('item:X').next()).not.toBe(a.fork('item:Y').next());
    expect(hashSeed(1, 'a')).not.toBe(hashSeed(2, 'a'));
  });

  it('draws Poisson and gamma variates with the requested means', () => {
    const random = createRandom(3);
    // 20 000 draws: the standard error of a Poisson(4) mean is √(4 / 20 000) ≈ 0.014.
    expect(mean(Array.from({ length: 20_000 }, () => random.poisson(4)))).toBeCloseTo(4, 1);
    expect(mean(Array.from({ length: 20_000 }, () => random.poisson(50)))).toBeCloseTo(50, 0);
    // Gamma(shape 2, scale 3) has mean 6; gamma(0.5, 2) has mean 1 (the shape < 1 branch).
    expect(mean(Array.from({ length: 20_000 }, () => random.gamma(2, 3)))).toBeCloseTo(6, 0);
    expect(mean(Array.from({ length: 20_000 }, () => random.gamma(0.5, 2)))).toBeCloseTo(1, 1);
  });
});
