import { describe, expect, it } from 'vitest';
import { isCountUnit } from './quantity.js';

describe('isCountUnit', () => {
  it('counts pieces, boxes, packs, pairs and rolls in whole units, whatever the case or spaces', () => {
    for (const unit of ['pcs', 'Pcs', ' box ', 'pack', 'pair', 'roll', 'set', 'sheet', 'EA']) {
      expect(isCountUnit(unit)).toBe(true);
    }
  });

  it('keeps weights, lengths, volumes and unknown units divisible', () => {
    for (const unit of ['kg', 'g', 'm', 'l', 'ml', 'm2', 'h', 'bundle-ish']) expect(isCountUnit(unit)).toBe(false);
  });
});
