/** Unicode code points outside Latin-1 that the WinAnsi encoding of the standard PDF fonts still has. */
const WIN_ANSI_EXTRAS = new Set([
  0x0152, 0x0153, 0x0160, 0x0161, 0x0178, 0x017d, 0x017e, 0x0192, 0x02c6, 0x02dc, 0x2013, 0x2014, 0x2018, 0x2019,
  0x201a, 0x201c, 0x201d, 0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a, 0x20ac, 0x2122,
]);

/** Letters with no Unicode decomposition to a plain Latin letter. */
const LOOK_ALIKES: Record<string, string> = {
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ħ: 'H',
  ħ: 'h',
  ı: 'i',
  Ŧ: 'T',
  ŧ: 't',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2212': '-',
  '\u2032': "'",
  '\u2033': '"',
};

function isWinAnsi(codePoint: number): boolean {
  return (
    (codePoint >= 0x20 && codePoint <= 0x7e) ||
    (codePoint >= 0xa0 && codePoint <= 0xff) ||
    WIN_ANSI_EXTRAS.has(codePoint)
  );
}

/**
 * Text the standard PDF fonts (Helvetica, WinAnsi encoding) can print: accents they lack are dropped ("ő" → "o"),
 * a few look-alikes replaced ("Ł" → "L"), other characters become "?" rather than wrong glyphs. Line breaks stay.
 */
export function toWinAnsiText(text: string): string {
  let printable = '';
  for (const character of text) {
    printable += toWinAnsiCharacter(character);
  }
  return printable;
}

function toWinAnsiCharacter(character: string): string {
  const codePoint = character.codePointAt(0)!;
  if (isWinAnsi(codePoint) || character === '\n') return character;
  if (character === '\t' || /\s/u.test(character)) return ' ';
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0)) return '';
  const lookAlike = LOOK_ALIKES[character];
  if (lookAlike !== undefined) return lookAlike;
  const base = character.normalize('NFKD').replace(/\p{M}/gu, '');
  if (base.length > 0 && [...base].every((part) => isWinAnsi(part.codePointAt(0)!))) return base;
  return '?';
}
