import { describe, expect, it } from 'vitest';
import { detectWeeklySeasonality } from './weekly-seasonality.js';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('detectWeeklySeasonality', () => {
  it('finds a weekend peak in noisy daily demand', () => {
    const random = mulberry32(1);
    const demand = Array.from({ length: 180 }, (_, t) => (t % 7 >= 5 ? 30 : 10) + Math.floor(random() * 6));
    const result = detectWeeklySeasonality(demand);
    expect(result.seasonal).toBe(true);
    expect(result.acf7).toBeGreaterThan(0.5);
  });

  it('does not mistake a trend for a weekly pattern', () => {
    // A trend alone makes every raw autocorrelation near 1; after the 7-day moving average is taken out, nothing is
    // left at lag 7.
    const random = mulberry32(2);
    const demand = Array.from({ length: 365 }, (_, t) => 5 + 0.2 * t + Math.floor(random() * 4));
    expect(detectWeeklySeasonality(demand).seasonal).toBe(false);
  });

  it('calls white noise non-seasonal in at least 80 of 100 seeded series (the test is one-sided at 90%)', () => {
    let seasonal = 0;
    for (let seed = 0; seed < 100; seed++) {
      const random = mulberry32(seed + 100);
      const demand = Array.from({ length: 365 }, () => Math.floor(random() * 20));
      if (detectWeeklySeasonality(demand).seasonal) seasonal++;
    }
    expect(seasonal).toBeLessThanOrEqual(20);
  });

  it('needs five weeks of history and a non-constant series', () => {
    expect(detectWeeklySeasonality([1, 9, 1, 9, 1, 9, 1]).seasonal).toBe(false);
    expect(detectWeeklySeasonality(new Array(100).fill(4)).seasonal).toBe(false);
  });
});
