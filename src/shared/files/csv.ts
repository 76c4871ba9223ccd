import { StratalignError } from '../errors.js';

/**
 * Minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF. Returns rows as arrays with
 * their 1-based line numbers so errors can point at the line.
 */
export function parseCsv(text: string, file: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let sawAny = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell === '') {
      quoted = true;
      sawAny = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
      sawAny = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      if (sawAny || cell !== '') rows.push({ line: rowLine, cells: [...cells, cell] });
      cells = [];
      cell = '';
      sawAny = false;
      line++;
      rowLine = line;
    } else {
      cell += ch;
      sawAny = true;
    }
  }
  if (quoted)
    throw new StratalignError({ file, field: `line ${rowLine}` }, 'unterminated quoted field', 'close the quote');
  if (sawAny || cell !== '') rows.push({ line: rowLine, cells: [...cells, cell] });
  return rows;
}
