/** Converts CSV cells (always text) to the JSON values the domain parsers read; text they cannot read passes through so the parser names the problem. */

/** Empty is `empty`; a plain decimal becomes a number; anything else stays text. */
export function numberCell<E>(cell: string, empty: E): number | string | E {
  if (cell === '') return empty;
  return /^-?\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell;
}

/** Empty is `undefined` (the default applies); true/false, yes/no, 1/0 in any case become booleans. */
export function booleanCell(cell: string): boolean | string | undefined {
  if (cell === '') return undefined;
  const lower = cell.toLowerCase();
  if (lower === 'true' || lower === 'yes' || lower === '1') return true;
  if (lower === 'false' || lower === 'no' || lower === '0') return false;
  return cell;
}

/** Empty is `empty` (undefined for required fields, null for ones that may be blank). */
export function textCell<E>(cell: string, empty: E): string | E {
  return cell === '' ? empty : cell;
}
