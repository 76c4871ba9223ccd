import { z } from 'zod';
import { isValidAction, type ActionSpace } from '../../catalogue/games/action-space.js';
import type { ParseResult } from './parse-result.js';
import { STRUCTURED_FIELDS } from '../../catalogue/structured/answer-schema.js';

/** What the strict reader keeps of a valid structured answer: the action and the motivation as written. */
export type StructuredReading =
  | { ok: true; action: string | number; motivation: string }
  | { ok: false; failure: 'empty' | 'truncated' | 'schema-violation'; reason: string };

const objectShape = (space: ActionSpace) =>
  z.strictObject({
    motivation: z.string(),
    answer:
      space.kind === 'choice'
        ? z.enum(space.options as [string, ...string[]])
        : z.number().int().min(space.min).max(space.max),
  });

/**
 * Reads a structured answer exactly: the whole text must be one JSON object with a string
 * `motivation` and an `answer` that is one of the shown labels (exact, case included) or a whole
 * amount in range, and nothing else. Anything else is a `schema-violation`, never a guess: the
 * rule parser is not asked, not even for the `answer` string ("c", "C: because", "Option C" are
 * violations), because the API was asked to enforce this schema and a broken object says the
 * request was not honoured. Whitespace around the object is allowed (JSON allows it); a cut-off
 * object (finish reason "length") is `truncated`.
 */
export function readStructuredAnswer(text: string, space: ActionSpace, finishReason?: string): StructuredReading {
  const cut = finishReason === 'length';
  const fail = (reason: string): StructuredReading =>
    cut
      ? {
          ok: false,
          failure: 'truncated',
          reason: `the answer was cut off (finish reason "length") before the JSON object was complete: ${reason}`,
        }
      : {
          ok: false,
          failure: 'schema-violation',
          reason: `${reason}; the structured protocol reads only a JSON object ${shape(space)}`,
        };
  if (text.trim() === '')
    return cut
      ? fail('nothing was written')
      : { ok: false, failure: 'empty', reason: 'the answer is empty or whitespace' };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return fail(`not a single JSON value (${messageOf(err)})${aroundObject(text)}${noObject(text)}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    return fail(
      `the JSON is ${data === null ? 'null' : Array.isArray(data) ? 'an array' : `a ${typeof data}`}, not an object`,
    );
  // JSON.parse keeps the last of repeated keys: {"answer": "C", "answer": "D"} would read as D, a guess.
  const repeated = repeatedTopLevelKey(text);
  if (repeated !== null) return fail(`field ${JSON.stringify(repeated)} appears more than once`);
  const parsed = objectShape(space).safeParse(data);
  if (!parsed.success) return fail(describeIssue(parsed.error.issues[0]!, data as Record<string, unknown>, space));
  const { answer, motivation } = parsed.data;
  // The schema already holds it; kept as a guard so a reading can never name a non-action.
  if (!isValidAction(space, answer)) return fail(`answer ${JSON.stringify(answer)} is not an action`);
  return { ok: true, action: answer, motivation };
}

/** The strict reading as a parse result: rule 'structured', evidence the `answer` field as written. */
export function parseStructured(text: string, space: ActionSpace, finishReason?: string): ParseResult {
  const reading = readStructuredAnswer(text, space, finishReason);
  if (!reading.ok) return reading;
  return {
    ok: true,
    action: reading.action,
    rule: 'structured',
    evidence: `"answer": ${JSON.stringify(reading.action)}`,
  };
}

function shape(space: ActionSpace): string {
  return `{"motivation": string, "answer": ${expected(space)}}`;
}

function expected(space: ActionSpace): string {
  return space.kind === 'choice'
    ? space.options.map((o) => JSON.stringify(o)).join(' | ')
    : `integer ${space.min}..${space.max}`;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Free text with no object at all usually means the server did not apply the structured request. */
function noObject(text: string): string {
  return text.includes('{')
    ? ''
    : ': no JSON object at all (a server that ignores the structured-output request answers in free text; ' +
        'see the provider option structuredMode)';
}

/** Says when the text holds an object but also something around it ("Sure! {...}"). */
function aroundObject(text: string): string {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start === -1 || end < start) return '';
  const outside = (text.slice(0, start) + text.slice(end + 1)).trim();
  return outside === '' ? '' : ': there is text around the object';
}

function describeIssue(issue: z.core.$ZodIssue, data: Record<string, unknown>, space: ActionSpace): string {
  const field = String(issue.path[0] ?? '');
  if (issue.code === 'unrecognized_keys')
    return `unexpected field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  if (!(field in data)) return `field "${field}" is missing (required: ${STRUCTURED_FIELDS.join(', ')})`;
  const value = JSON.stringify(data[field]);
  const shown = value.length > 60 ? `${value.slice(0, 59)}…` : value;
  if (field === 'motivation') return `"motivation" must be a string, got ${shown}`;
  if (space.kind === 'choice') {
    const labels = space.options.map((o) => JSON.stringify(o)).join(', ');
    return `"answer" ${shown} is not one of the labels ${labels} (exact match)`;
  }
  if (typeof data[field] !== 'number') return `"answer" must be a JSON number, got ${shown}`;
  if (!Number.isInteger(data[field])) return `"answer" ${shown} is not a whole number`;
  return `"answer" ${shown} is outside ${space.min}..${space.max}`;
}

/**
 * The first key that occurs twice at the top level of a JSON object text, or null. Only called on
 * text JSON.parse accepted, so strings and nesting are well formed.
 */
function repeatedTopLevelKey(text: string): string | null {
  const seen = new Set<string>();
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const token = text.slice(i, j + 1);
      let k = j + 1;
      while (/\s/.test(text[k] ?? '')) k++;
      if (depth === 1 && text[k] === ':') {
        const key = JSON.parse(token) as string;
        if (seen.has(key)) return key;
        seen.add(key);
      }
      i = j;
    }
  }
  return null;
}
