import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { numberedLines } from '../shared/files/json-lines.js';
import type { ActionSpace } from '../catalogue/games/action-space.js';
import { actionSpaceForGame, type ActionSpaceLookup } from './game-action-space.js';
import { parseAnswer, parseOptions } from '../answers/parsing/parse-answer.js';
import type { ParseResult } from '../answers/parsing/parse-result.js';
import { UsageError, type Command } from '../shared/command.js';

const USAGE = `Usage: stratalign parse --game <id> [--finish-reason-field <name>] [--structured]

Reads JSONL on stdin, one answer per line: {"text": "...", ...}. Writes one JSONL line per
input line, in order: the input object with a "parse" field added (an existing "parse"
field is replaced), {"ok":true,"action":...,"rule":...,"evidence":...} or
{"ok":false,"failure":...,"reason":...}. A line that is not a JSON object with a string or
null "text" becomes {"line": N, "error": "..."}, and the command then exits 1.
Blank lines are skipped. Counts per outcome are printed on stderr.

Options:
  --game <id>                  game whose action space the answers use, e.g. prisoners-dilemma,
                               stag-hunt, snowdrift, prisoners-delight, public-goods, or an alias
                               such as prison, staghunt, delight
  --finish-reason-field <name> input field holding the provider's finish reason; "length"
                               marks a cut-off answer, parsed as truncated if no choice was made
  --structured                 the answers were asked under the structured protocol: each must be
                               exactly a JSON object {"motivation": string, "answer": label or
                               amount}; anything else is a schema-violation (the rules are not asked)
`;

type Options = { game: string; finishReasonField?: string; structured?: boolean };

function parseArgs(args: string[]): Options {
  const values = new Map<string, string>();
  let structured = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--structured') {
      structured = true;
      continue;
    }
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    if (flag !== '--game' && flag !== '--finish-reason-field')
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const value = inline ?? args[++i];
    if (value === undefined || value === '' || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    values.set(flag, value);
  }
  const game = values.get('--game');
  if (!game) throw new UsageError('--game is required');
  const field = values.get('--finish-reason-field');
  return { game, ...(field === undefined ? {} : { finishReasonField: field }), ...(structured ? { structured } : {}) };
}

// TEMPORARY: used only while src/catalogue/index.ts does not exist. Delete once the catalogue
// (datasets/catalogue/games.yaml) is always present; it must stay in step with that file.
const CD: ActionSpace = { kind: 'choice', options: ['C', 'D'], cooperative: 'C' };
const PUBLIC_GOODS: ActionSpace = { kind: 'integer', min: 0, max: 10, unit: '$', meaning: 'donation' };
const BUILT_IN_GAMES: Readonly<Record<string, ActionSpace>> = {
  'prisoners-dilemma': CD,
  prison: CD,
  'stag-hunt': CD,
  staghunt: CD,
  snowdrift: CD,
  'prisoners-delight': CD,
  delight: CD,
  'public-goods': PUBLIC_GOODS,
};

type GameSource = { lookup: ActionSpaceLookup; knownIds: () => string[] };

async function gameSource(): Promise<GameSource> {
  // A variable specifier keeps the type checker from requiring the module to exist.
  const specifier = '../catalogue/index.js';
  try {
    const catalogue = (await import(specifier)) as { findActionSpace?: unknown; knownGameIds?: unknown };
    if (typeof catalogue.findActionSpace === 'function') {
      const known = catalogue.knownGameIds;
      return {
        lookup: catalogue.findActionSpace as ActionSpaceLookup,
        knownIds: typeof known === 'function' ? (known as () => string[]) : () => [],
      };
    }
  } catch (err) {
    // Only a missing catalogue falls back; a catalogue that fails to load is a real error.
    if (!isMissingModule(err, 'catalogue/index')) throw err;
  }
  return { lookup: (id) => BUILT_IN_GAMES[id.toLowerCase()], knownIds: () => Object.keys(BUILT_IN_GAMES) };
}

function isMissingModule(err: unknown, path: string): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : '';
  // Compare the module that is missing, not the importer: a catalogue that exists but imports
  // a missing file must fail loudly rather than fall back.
  const missing = /Cannot find module '([^']+)'|Failed to load url (\S+)/.exec(message);
  return missing !== null && (missing[1] ?? missing[2] ?? '').includes(path);
}

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

type Parsed = { output: Record<string, unknown>; result: ParseResult } | { error: string };

function parseLine(
  line: string,
  space: ActionSpace,
  finishReasonField: string | undefined,
  structured = false,
): Parsed {
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch (err) {
    return { error: `not valid JSON: ${(err as Error).message}` };
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    return { error: 'expected a JSON object with a "text" field' };
  const record = input as Record<string, unknown>;
  const text = record.text;
  if (text !== null && typeof text !== 'string') {
    return { error: `"text" must be a string or null, got ${text === undefined ? 'no "text" field' : typeof text}` };
  }
  let finishReason: string | undefined;
  if (finishReasonField !== undefined) {
    const value = record[finishReasonField];
    if (value !== undefined && value !== null && typeof value !== 'string')
      return { error: `"${finishReasonField}" must be a string, got ${typeof value}` };
    finishReason = value ?? undefined;
  }
  const result = parseAnswer(text, space, parseOptions(finishReason, structured));
  return { output: { ...record, parse: result }, result };
}

function outcome(result: ParseResult): string {
  return result.ok ? `ok ${String(result.action)}` : result.failure;
}

export const parseCommand: Command = {
  name: 'parse',
  summary: 'Parse model answers (JSONL on stdin) into actions or explicit parse failures',
  usage: USAGE,
  async run(args, io) {
    const options = parseArgs(args);
    const games = await gameSource();
    const space = actionSpaceForGame(options.game, games.lookup, games.knownIds());
    const counts = new Map<string, number>();
    const errors: number[] = [];
    for await (const { line: lineNo, text: line } of numberedLines(io.stdin)) {
      const parsed = parseLine(line, space, options.finishReasonField, options.structured);
      if ('error' in parsed) {
        errors.push(lineNo);
        await write(io.stdout, `${JSON.stringify({ line: lineNo, error: parsed.error })}\n`);
        continue;
      }
      const key = outcome(parsed.result);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      await write(io.stdout, `${JSON.stringify(parsed.output)}\n`);
    }
    const parsedTotal = [...counts.values()].reduce((a, b) => a + b, 0);
    const parts = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}: ${n}`);
    io.stderr.write(`parse: ${parsedTotal} answers${parts.length > 0 ? ` (${parts.join(', ')})` : ''}\n`);
    if (errors.length === 0) return 0;
    const shown = errors.slice(0, 10).join(', ') + (errors.length > 10 ? ', ...' : '');
    io.stderr.write(
      `parse: ${errors.length} input line(s) could not be read (line ${shown}); see the {"line","error"} ` +
        `output lines\n`,
    );
    return 1;
  },
};
