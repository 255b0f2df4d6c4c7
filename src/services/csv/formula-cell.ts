/**
 * CSV formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, tab or
 * carriage return as a formula, so a stored name like `=HYPERLINK("http://evil")` would act when an export is opened.
 */

/** A text cell a spreadsheet would read as a formula, or one that already carries quotes before such a start. */
const NEEDS_QUOTE = /^'*[=+\-@\t\r]/;
/** A cell `neutraliseFormula` quoted: one or more quotes, then a formula start. */
const QUOTED = /^'+[=+\-@\t\r]/;

/**
 * The cell written for a text value: a leading `'` when a spreadsheet would run it as a formula. Values that already
 * start with quotes before a formula character get one more, so `restoreFormula` can always tell an added quote from
 * the user's own and every value reads back as it was. Only for text columns: a number such as `-5` stays a number.
 *
 * @example neutraliseFormula('=SUM(A1)') // "'=SUM(A1)"; neutraliseFormula('Bolt M8') // 'Bolt M8'
 */
export function neutraliseFormula(text: string): string {
  return NEEDS_QUOTE.test(text) ? `'${text}` : text;
}

/**
 * The value of a cell read from a CSV file: drops the quote `neutraliseFormula` added (a `'` followed by quotes and a
 * formula start); any other cell is returned unchanged.
 *
 * @example restoreFormula("'=SUM(A1)") // '=SUM(A1)'; restoreFormula("'quoted") // "'quoted"
 */
export function restoreFormula(cell: string): string {
  return QUOTED.test(cell) ? cell.slice(1) : cell;
}
