// Just enough CSV for the datasets: comma-separated, fields optionally double-quoted with ""
// escaping a quote, rows ended by \n or \r\n. A dependency would buy nothing the readers need.

const comma = 44;
const quote = 34;
const lineFeed = 10;
const carriageReturn = 13;
const byteOrderMark = 0xfeff;

/**
 * Splits CSV text into rows of fields. Blank lines and a final line ending add no row; a leading
 * byte-order mark is ignored.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let position = text.charCodeAt(0) === byteOrderMark ? 1 : 0;
  const length = text.length;
  while (position < length) {
    let field: string;
    const quoted = text.charCodeAt(position) === quote;
    if (quoted) {
      const parsed = readQuotedField(text, position);
      field = parsed.field;
      position = parsed.end;
    } else {
      let end = position;
      while (end < length) {
        const code = text.charCodeAt(end);
        if (code === comma || code === lineFeed || code === carriageReturn) break;
        end += 1;
      }
      field = text.slice(position, end);
      position = end;
    }
    row.push(field);

    const code = text.charCodeAt(position);
    if (code === comma) {
      position += 1;
      // A comma at the very end of the text still ends a field: the empty one after it.
      if (position === length) {
        row.push('');
        rows.push(row);
      }
    } else {
      const blankLine = row.length === 1 && field === '' && !quoted;
      if (!blankLine) rows.push(row);
      row = [];
      if (code === carriageReturn && text.charCodeAt(position + 1) === lineFeed) position += 2;
      else if (position < length) position += 1;
    }
  }
  return rows;
}

/** A cell as a sample value: undefined when empty, non-numeric, NaN or infinite. */
export function parseNumericCell(cell: string | undefined): number | undefined {
  if (cell === undefined || cell.trim() === '') return undefined;
  const value = Number(cell);
  return Number.isFinite(value) ? value : undefined;
}

function readQuotedField(text: string, start: number): { field: string; end: number } {
  let field = '';
  let position = start + 1;
  for (;;) {
    const closing = text.indexOf('"', position);
    if (closing === -1) throw new Error(`CSV: quoted field opened at offset ${start} is never closed`);
    field += text.slice(position, closing);
    if (text.charCodeAt(closing + 1) === quote) {
      field += '"';
      position = closing + 2;
      continue;
    }
    const after = text.charCodeAt(closing + 1);
    const atBoundary = closing + 1 === text.length || after === comma || after === lineFeed || after === carriageReturn;
    if (!atBoundary) throw new Error(`CSV: unexpected character after the quoted field closed at offset ${closing}`);
    return { field, end: closing + 1 };
  }
}

/** Rows as CSV text, quoting the fields that need it; the reverse of parseCsv. */
export function formatCsv(rows: ReadonlyArray<readonly string[]>): string {
  return `${rows.map((row) => row.map(quoteIfNeeded).join(',')).join('\n')}\n`;
}

function quoteIfNeeded(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}
