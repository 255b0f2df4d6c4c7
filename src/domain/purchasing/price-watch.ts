/**
 * Whether a unit price rose by at least `thresholdRatio` over the previous one (0.1 = 10 %).
 *
 * ratio = (newMinor − previousMinor) / previousMinor, so a fall gives a negative ratio. Both prices are
 * integer minor units of the same currency. Division is correctly rounded, so a rise of exactly the
 * threshold (30 → 33 against 0.1) compares equal and counts as a rise. Without a previous price
 * nothing can have risen (`ratio` null); from a price of 0 any positive price is a rise of unknown
 * ratio (`ratio` null).
 *
 * @example priceRise(1000, 1125, 0.1)
 * // { rose: true, ratio: 0.125, message: 'unit price rose 12.5 % (1000 → 1125 minor units), at or above the 10 % threshold' }
 */
export function priceRise(
  previousMinor: number | null,
  newMinor: number,
  thresholdRatio: number,
): { rose: boolean; ratio: number | null; message: string } {
  checkMinor(newMinor, 'newMinor');
  if (previousMinor !== null) checkMinor(previousMinor, 'previousMinor');
  if (!Number.isFinite(thresholdRatio) || thresholdRatio < 0) {
    throw new RangeError(`thresholdRatio must be a finite number ≥ 0, got ${thresholdRatio}`);
  }
  const threshold = `${formatPercent(thresholdRatio)} threshold`;
  if (previousMinor === null) return { rose: false, ratio: null, message: 'no earlier price to compare with' };
  if (previousMinor === 0) {
    return newMinor === 0
      ? { rose: false, ratio: 0, message: 'unit price unchanged (0 minor units)' }
      : {
          rose: true,
          ratio: null,
          message: `unit price rose from 0 to ${newMinor} minor units, above the ${threshold}`,
        };
  }
  const ratio = (newMinor - previousMinor) / previousMinor;
  const change = `(${previousMinor} → ${newMinor} minor units)`;
  if (ratio === 0) return { rose: false, ratio, message: `unit price unchanged (${newMinor} minor units)` };
  if (ratio < 0) return { rose: false, ratio, message: `unit price fell ${formatPercent(-ratio)} ${change}` };
  const rose = ratio >= thresholdRatio;
  return {
    rose,
    ratio,
    message: `unit price rose ${formatPercent(ratio)} ${change}, ${rose ? 'at or above' : 'below'} the ${threshold}`,
  };
}

function checkMinor(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a whole number of minor units ≥ 0, got ${value}`);
  }
}

/** 0.125 → "12.5 %", at most two decimals. */
function formatPercent(ratio: number): string {
  return `${Math.round(ratio * 10_000) / 100} %`;
}
