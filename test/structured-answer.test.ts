import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { parseAnswer, parseScenarioAnswer } from '../src/answers/parsing/parse-answer.js';
import { PARSE_FAILURE_KINDS } from '../src/answers/parsing/parse-result.js';
import { renderPrompt } from '../src/catalogue/prompts/render.js';
import { resolveScenario } from '../src/catalogue/scenarios/scenario.js';
import { answerSchemaFor, isStructuredProtocol } from '../src/catalogue/structured/answer-schema.js';
import { readStructuredAnswer } from '../src/answers/parsing/read-structured.js';

const catalogue = defaultCatalogue();
const structured = catalogue.protocol('structured');
const pd = resolveScenario(catalogue, 'business/prisoners-dilemma');
const pg = resolveScenario(catalogue, 'friends/public-goods');
const CD = pd.game.actionSpace;
const PG = pg.game.actionSpace;

describe('the structured protocol in the catalogue', () => {
  it('is the third protocol, marked structured; the others stay free text', () => {
    expect(catalogue.protocols.map((p) => [p.id, p.response])).toEqual([
      ['reasoned', 'text'],
      ['letter-only', 'text'],
      ['structured', 'structured'],
    ]);
    expect(isStructuredProtocol(structured)).toBe(true);
    expect(isStructuredProtocol(catalogue.protocol('reasoned'))).toBe(false);
  });

  it('renders a prompt naming both fields, motivation first, and carries the schema of the shown options', () => {
    const rendered = renderPrompt(pd, structured);
    expect(rendered.user).toMatch(/"motivation".*then "answer".*\(C or D\)/s);
    expect(rendered.answerSchema?.schema.properties.answer).toMatchObject({ type: 'string', enum: ['C', 'D'] });
    expect(renderPrompt(pd, catalogue.protocol('reasoned')).answerSchema).toBeUndefined();
  });
});

describe('answerSchemaFor', () => {
  it('builds a closed object schema, motivation before answer, with the labels as an enum', () => {
    const { name, schema } = answerSchemaFor(CD);
    expect(name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(Object.keys(schema.properties)).toEqual(['motivation', 'answer']);
    expect(schema).toMatchObject({ type: 'object', required: ['motivation', 'answer'], additionalProperties: false });
    expect(schema.properties.motivation).toMatchObject({ type: 'string' });
    expect(schema.properties.answer).toMatchObject({ type: 'string', enum: ['C', 'D'] });
  });

  it('gives an integer game every whole amount from min to max', () => {
    expect(answerSchemaFor(PG).schema.properties.answer).toMatchObject({
      type: 'integer',
      enum: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    });
  });

  it('uses the labels a variant shows, and the answer maps back to the game action', () => {
    const swapped = resolveScenario(catalogue, 'business/stag-hunt~neutral-jf');
    const schema = renderPrompt(swapped, structured).answerSchema!.schema;
    const labels = (schema.properties.answer as { enum: string[] }).enum;
    expect(labels).toEqual([...swapped.labels!.options]);
    const read = parseScenarioAnswer(
      JSON.stringify({ motivation: 'm', answer: swapped.labels!.cooperative }),
      swapped,
      { structured: true },
    );
    expect(read).toMatchObject({
      ok: true,
      action: swapped.game.actionSpace.kind === 'choice' ? swapped.game.actionSpace.cooperative : null,
    });
  });
});

describe('the strict reader', () => {
  it('reads a valid object, with whitespace around it, in either key order', () => {
    expect(readStructuredAnswer('{"motivation": "They will defect.", "answer": "D"}', CD)).toEqual({
      ok: true,
      action: 'D',
      motivation: 'They will defect.',
    });
    expect(readStructuredAnswer('\n  {"answer": "C", "motivation": ""}  \n', CD)).toMatchObject({
      ok: true,
      action: 'C',
    });
    // Quotes, escapes and braces inside the motivation are text, not structure.
    expect(
      readStructuredAnswer('{"motivation": "\\"answer\\": {\\"C\\"} is tempting", "answer": "D"}', CD),
    ).toMatchObject({ ok: true, action: 'D', motivation: '"answer": {"C"} is tempting' });
    expect(readStructuredAnswer('{"motivation": "half", "answer": 5}', PG)).toMatchObject({ ok: true, action: 5 });
    expect(parseAnswer('{"motivation": "m", "answer": 0}', PG, { structured: true })).toMatchObject({
      ok: true,
      action: 0,
      rule: 'structured',
      evidence: '"answer": 0',
    });
  });

  it.each([
    ['wrong type of answer', '{"motivation": "m", "answer": 1}', CD, /"answer" 1 is not one of the labels "C", "D"/],
    ['answer as a string amount', '{"motivation": "m", "answer": "6"}', PG, /"answer" must be a JSON number, got "6"/],
    ['motivation not a string', '{"motivation": ["a"], "answer": "C"}', CD, /"motivation" must be a string/],
    [
      'text before the object',
      'Sure! {"motivation": "m", "answer": "C"}',
      CD,
      /not a single JSON value .*text around the object/,
    ],
    [
      'text after the object',
      '{"motivation": "m", "answer": "C"} Hope this helps.',
      CD,
      /not a single JSON value .*text around the object/,
    ],
    [
      'a code fence around the object',
      '```json\n{"motivation": "m", "answer": "C"}\n```',
      CD,
      /not a single JSON value/,
    ],
    ['an unknown label', '{"motivation": "m", "answer": "E"}', CD, /"answer" "E" is not one of the labels/],
    ['a label in the wrong case', '{"motivation": "m", "answer": "c"}', CD, /"answer" "c" is not one of the labels/],
    [
      'a label with words',
      '{"motivation": "m", "answer": "C: cooperate"}',
      CD,
      /"answer" "C: cooperate" is not one of the labels/,
    ],
    ['an amount above range', '{"motivation": "m", "answer": 11}', PG, /"answer" 11 is outside 0..10/],
    ['a negative amount', '{"motivation": "m", "answer": -1}', PG, /"answer" -1 is outside 0..10/],
    ['an amount with cents', '{"motivation": "m", "answer": 6.5}', PG, /"answer" 6.5 is not a whole number/],
    ['a missing answer', '{"motivation": "m"}', CD, /field "answer" is missing/],
    ['a missing motivation', '{"answer": "C"}', CD, /field "motivation" is missing/],
    [
      'a repeated answer field',
      '{"motivation": "m", "answer": "C", "answer": "D"}',
      CD,
      /field "answer" appears more than once/,
    ],
    [
      'an extra field',
      '{"motivation": "m", "answer": "C", "confidence": 0.9}',
      CD,
      /unexpected field\(s\) "confidence"/,
    ],
    ['truncated JSON', '{"motivation": "They might coop', CD, /not a single JSON value/],
    ['an array', '[{"motivation": "m", "answer": "C"}]', CD, /the JSON is an array, not an object/],
    [
      'a bare label',
      'C',
      CD,
      /not a single JSON value .*no JSON object at all .*see the provider option structuredMode/,
    ],
    ['a JSON string', '"C"', CD, /the JSON is a string, not an object/],
  ])('counts %s as a schema violation, never guessed', (_what, text, space, reason) => {
    const read = parseAnswer(text, space, { structured: true });
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.failure).toBe('schema-violation');
    expect(read.reason).toMatch(reason);
    expect(read.reason).toContain('the structured protocol reads only a JSON object');
  });

  it('says truncated when the API cut the object off, and empty for no text', () => {
    expect(
      parseAnswer('{"motivation": "They might coop', CD, { structured: true, finishReason: 'length' }),
    ).toMatchObject({ ok: false, failure: 'truncated' });
    expect(parseAnswer('  ', CD, { structured: true })).toMatchObject({ ok: false, failure: 'empty' });
    // A complete, valid object is read even when the API says it stopped at the token limit.
    expect(
      parseAnswer('{"motivation": "m", "answer": "D"}', CD, { structured: true, finishReason: 'length' }),
    ).toMatchObject({ ok: true, action: 'D' });
  });

  it('is a failure kind of its own, and the rule parser would have read what the strict reader refuses', () => {
    expect(PARSE_FAILURE_KINDS).toContain('schema-violation');
    const prose = 'Sure! {"motivation": "m", "answer": "C"}';
    expect(parseAnswer(prose, CD)).toMatchObject({ ok: true, action: 'C' });
    expect(parseAnswer(prose, CD, { structured: true })).toMatchObject({ ok: false, failure: 'schema-violation' });
  });
});
