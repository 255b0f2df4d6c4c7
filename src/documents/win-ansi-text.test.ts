import { describe, expect, it } from 'vitest';
import { toWinAnsiText } from './win-ansi-text.js';

describe('toWinAnsiText', () => {
  it('keeps ASCII, Latin-1 and the WinAnsi extras such as € and the dashes', () => {
    const text = 'Müller & Søn — 12,50 € “quoted” • Œuvre žluť';
    expect(toWinAnsiText(text)).toBe('Müller & Søn — 12,50 € “quoted” • Œuvre žlut');
  });

  it('drops accents the fonts lack and replaces letters without a decomposition', () => {
    expect(toWinAnsiText('Łódź Kraków Győr Đakovo Ørsted')).toBe('Lódz Kraków Gyor Dakovo Ørsted');
  });

  it('prints "?" for characters outside Latin script, one per character', () => {
    expect(toWinAnsiText('Order 日本 🚚')).toBe('Order ?? ?');
  });

  it('keeps line breaks, turns tabs and other spaces into spaces, and drops control characters', () => {
    expect(toWinAnsiText('a\tb\u00a0c\u2009d\ne\u0007f\r\ng')).toBe('a b\u00a0c d\nef \ng');
  });
});
