import { describe, expect, it } from 'vitest';
import { type CliDeps, printPage } from './io.js';

describe('printPage', () => {
  const capture = () => {
    const out: string[] = [];
    const deps: CliDeps = { env: {}, stdout: (text) => out.push(text), stderr: () => {}, isTty: false, now: () => 0 };
    return { deps, out };
  };
  const render = (rows: number[]) => rows.map((row) => `row ${row}`).join('\n');

  it('prints the table and, when there is a next page, the command that fetches it', () => {
    const { deps, out } = capture();
    printPage(deps, false, { data: [1, 2], next_cursor: 'abc' }, 'po list', () => 'none', render);
    expect(out.join('')).toBe('row 1\nrow 2\nMore: leanstock po list --cursor abc\n');
  });

  it('prints the table alone on the last page, and the empty text when there are no rows', () => {
    const { deps, out } = capture();
    printPage(deps, false, { data: [1], next_cursor: null }, 'po list', () => 'none', render);
    printPage(deps, false, { data: [], next_cursor: null }, 'po list', () => 'none', render);
    expect(out).toEqual(['row 1\n', 'none\n']);
  });

  it('prints the page as JSON with --json', () => {
    const { deps, out } = capture();
    printPage(deps, true, { data: [], next_cursor: null }, 'po list', () => 'none', render);
    expect(JSON.parse(out.join(''))).toEqual({ data: [], next_cursor: null });
  });
});
