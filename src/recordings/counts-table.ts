import { readFileSync } from 'node:fs';
import type { Catalogue } from '../catalogue/catalogue.js';
import { StratalignError } from '../shared/errors.js';
import { actionsOf } from '../catalogue/games/action-space.js';
import { parseCsv } from '../shared/files/csv.js';
import { PARSE_FAILURE_KINDS, type ParseFailureKind } from '../answers/parsing/parse-result.js';
import { scenarioFromParts } from '../catalogue/scenarios/scenario.js';
import type { Tally } from './types.js';

/** Leading columns of a counts table, as in the paper's lfb-counts.csv; action columns follow. */
export const COUNTS_KEY_COLUMNS = ['split', 'context', 'game', 'payoff_scale', 'model', 'role'] as const;

const FIX_HEADER =
  `start the header with ${COUNTS_KEY_COLUMNS.join(',')} and follow with one column per action ` +
  `(C,D for 2x2 games) and optionally one per parse failure kind (${PARSE_FAILURE_KINDS.join(', ')})`;

/** Reads a counts table file into tallies; every row becomes one tally, split names kept as given. */
export function readCountsTable(file: string, catalogue: Catalogue): Tally[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new StratalignError(
      { file },
      `cannot read counts table (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      'check the path',
    );
  }
  return parseCountsTable(text, file, catalogue);
}

export function parseCountsTable(text: string, file: string, catalogue: Catalogue): Tally[] {
  const rows = parseCsv(text, file);
  const header = rows.shift();
  if (!header) throw new StratalignError({ file }, 'counts table is empty', FIX_HEADER);
  const columns = header.cells.map((c) => c.trim());
  COUNTS_KEY_COLUMNS.forEach((name, i) => {
    if (columns[i] !== name)
      throw new StratalignError(
        { file, field: `line ${header.line}, column ${i + 1}`, value: columns[i] },
        `expected column "${name}"`,
        FIX_HEADER,
      );
  });
  const valueColumns = columns.slice(COUNTS_KEY_COLUMNS.length);
  const failureColumns = new Set(valueColumns.filter((c) => (PARSE_FAILURE_KINDS as readonly string[]).includes(c)));
  const seen = new Map<string, number>();

  return rows.map(({ line, cells }) => {
    const where = { file, field: `line ${line}` };
    if (cells.length !== columns.length) {
      throw new StratalignError(
        { ...where, value: cells.length },
        `row has a different number of cells than the header (${columns.length})`,
        'give every row one value per header column',
      );
    }
    const [split, context, game, scaleText, model, role] = cells.map((c) => c.trim()) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    for (const [name, value] of [
      ['split', split],
      ['model', model],
    ] as const) {
      if (!value)
        throw new StratalignError(
          { ...where, field: `${where.field}, column ${name}`, value },
          `${name} is empty`,
          `name the ${name} of every row`,
        );
    }
    const payoffScale = Number(scaleText);
    const scenario = scenarioFromParts(
      catalogue,
      { context, game, payoffScale: scaleText === '' ? Number.NaN : payoffScale },
      where,
    );
    const actions = new Set(actionsOf(scenario.game.actionSpace).map(String));
    const tally: Tally = {
      split,
      scenario: scenario.id,
      model,
      role: role || null,
      counts: {},
      failures: {},
      source: 'recorded-counts',
    };
    let failureCells = 0;
    valueColumns.forEach((column, i) => {
      const raw = cells[COUNTS_KEY_COLUMNS.length + i]!.trim();
      if (raw === '') return;
      if (failureColumns.has(column)) failureCells++;
      const count = Number(raw);
      if (!Number.isInteger(count) || count < 0) {
        throw new StratalignError(
          { ...where, field: `${where.field}, column ${column}`, value: raw },
          'count must be a whole number of answers, 0 or more',
          'write a non-negative integer or leave the cell empty',
        );
      }
      if (actions.has(column)) tally.counts[column] = count;
      else if ((PARSE_FAILURE_KINDS as readonly string[]).includes(column))
        tally.failures[column as ParseFailureKind] = count;
      else if (count > 0) {
        throw new StratalignError(
          { ...where, field: `${where.field}, column ${column}`, value: count },
          `"${column}" is not an action of ${scenario.game.id} nor a parse failure kind`,
          FIX_HEADER,
        );
      }
    });
    // Without a filled failure cell the row says nothing about unparseable answers: 0 would be a guess.
    if (failureCells === 0) tally.failuresRecorded = false;
    for (const action of actions) {
      if (scenario.game.actionSpace.kind === 'choice' && tally.counts[action] === undefined) {
        throw new StratalignError(
          { ...where, value: scenario.id },
          `no count for action ${action}`,
          `add a "${action}" column and fill it for every ${scenario.game.id} row`,
        );
      }
      tally.counts[action] ??= 0;
    }
    const key = `${split}|${model}|${scenario.id}`;
    const previous = seen.get(key);
    if (previous !== undefined) {
      throw new StratalignError(
        { ...where, value: key },
        `duplicate of line ${previous} (same split, model and scenario)`,
        'merge the two rows into one',
      );
    }
    seen.set(key, line);
    return tally;
  });
}
