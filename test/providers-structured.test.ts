// The structured protocol through both SDKs against the loopback server: the request carries the
// schema the core built (OpenAI response_format / guided_json, Anthropic a forced tool call), the
// answer comes back as the JSON text, and a server that refuses the request says which option to set.
import type { CallApiContextParams } from 'promptfoo';
import { describe, expect, it, vi } from 'vitest';
import AnthropicProvider from '../providers/anthropic.js';
import OpenAICompatibleProvider from '../providers/openai-compatible.js';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { parseScenarioAnswer } from '../src/answers/parsing/parse-answer.js';
import { resolveScenario } from '../src/catalogue/scenarios/scenario.js';
import { envelopeOf, stratalignMeta as meta, useLoopbackServer } from './helpers/loopback-provider.js';
import { ok, status, truncated, type LoopbackServer } from './loopback/server.js';

const KEY_ENV = 'STRATALIGN_TEST_STRUCTURED_KEY';
let server: LoopbackServer;
useLoopbackServer(KEY_ENV, 'sk-loopback-structured-1f2e', (s) => (server = s));

const openai = (config: Record<string, unknown> = {}) =>
  new OpenAICompatibleProvider({
    id: 'openai-structured',
    config: {
      model: 'gpt-test',
      baseUrl: `${server.url}/v1`,
      apiKeyEnv: KEY_ENV,
      protocol: 'structured',
      maxRetries: 0,
      ...config,
    },
  });
const anthropic = (config: Record<string, unknown> = {}) =>
  new AnthropicProvider({
    id: 'anthropic-structured',
    config: {
      model: 'claude-test',
      baseUrl: server.url,
      apiKeyEnv: KEY_ENV,
      protocol: 'structured',
      max_tokens: 400,
      maxRetries: 0,
      ...config,
    },
  });
const call = (p: OpenAICompatibleProvider | AnthropicProvider, scenario = 'business/prisoners-dilemma') =>
  p.callApi('display only', { vars: { scenario } } as unknown as CallApiContextParams);

const catalogue = defaultCatalogue();
const strictly = (text: string, scenario = 'business/prisoners-dilemma') =>
  parseScenarioAnswer(text, resolveScenario(catalogue, scenario), { structured: true });
const ANSWER = '{"motivation": "The other CEO gains more from D whatever I do, so I expect D.", "answer": "D"}';

describe('OpenAI-compatible provider, protocol structured', () => {
  it('asks for a strict json_schema built from the game, and returns the JSON text as the answer', async () => {
    server.script(ok(ANSWER));
    const r = await call(openai({ role: 'teacher' }));
    expect(r.error).toBeUndefined();
    expect(r.output).toBe(ANSWER);
    const format = server.requests[0]!.body.response_format;
    expect(format).toMatchObject({ type: 'json_schema', json_schema: { name: 'record_decision', strict: true } });
    expect(format.json_schema.schema).toMatchObject({
      type: 'object',
      required: ['motivation', 'answer'],
      additionalProperties: false,
      properties: { answer: { type: 'string', enum: ['C', 'D'] } },
    });
    expect(Object.keys(format.json_schema.schema.properties)).toEqual(['motivation', 'answer']);
    expect(server.requests[0]!.body.messages[1].content).toContain(
      'Reply with a JSON object with two fields: "motivation"',
    );
    expect(meta(r)).toMatchObject({ protocol: 'structured', structuredMode: 'json_schema', mode: 'single' });
    expect(strictly(r.output as string)).toMatchObject({ ok: true, action: 'D', rule: 'structured' });
  });

  it('gives an integer game the whole amounts, and sends the schema with every request of a multi row', async () => {
    server.script(...Array.from({ length: 3 }, () => ok('{"motivation": "half", "answer": 5}')));
    const r = await call(openai({ samples: 3, useN: false }), 'friends/public-goods');
    expect(envelopeOf(r).samples.map((s) => s.text)).toEqual(Array(3).fill('{"motivation": "half", "answer": 5}'));
    expect(server.requests).toHaveLength(3);
    for (const request of server.requests) {
      expect(request.body.response_format.json_schema.schema.properties.answer).toEqual(
        expect.objectContaining({ type: 'integer', enum: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }),
      );
    }
  });

  it('sends response_format json_object, or vLLM guided_json, when structuredMode says so', async () => {
    server.script(ok(ANSWER), ok(ANSWER));
    await call(openai({ structuredMode: 'json_object' }));
    await call(openai({ structuredMode: 'guided_json' }));
    const [jsonObject, guided] = server.requests;
    expect(jsonObject!.body.response_format).toEqual({ type: 'json_object' });
    expect(jsonObject!.body.guided_json).toBeUndefined();
    expect(guided!.body.response_format).toBeUndefined();
    expect(guided!.body.guided_json).toMatchObject({ properties: { answer: { enum: ['C', 'D'] } } });
  });

  it(
    'names the option to set when the server rejects the structured request, and never ' + 'retries as free text',
    async () => {
      server.script(
        status(400, {
          message: "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
        }),
      );
      const r = await call(openai());
      expect(r.error).toContain('400 error from');
      expect(r.error).toContain(
        'the server did not take the structured-output request (structuredMode json_schema); set structuredMode: ' +
          'json_object or structuredMode: guided_json in the provider config',
      );
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]!.body.response_format.type).toBe('json_schema');
      // A 400 about something else gets no such hint.
      server.script(status(400, { message: 'temperature must be at most 2' }));
      expect((await call(openai())).error).not.toContain('structuredMode');
    },
  );

  it('keeps a cut-off object as a sample, which the strict reader calls truncated', async () => {
    server.script(truncated('{"motivation": "The other CEO'));
    const r = await call(openai());
    expect(meta(r).finishReason).toBe('length');
    expect(
      parseScenarioAnswer(r.output as string, resolveScenario(catalogue, 'business/prisoners-dilemma'), {
        structured: true,
        finishReason: 'length',
      }),
    ).toMatchObject({ ok: false, failure: 'truncated' });
  });

  it('refuses structuredMode without the structured protocol, and logprobs mode with it', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(openai({ protocol: 'reasoned', structuredMode: 'json_object' }).configError).toMatch(
        new RegExp(
          String.raw`config\.structuredMode.*only applies to a structured protocol.*Fix: remove ` +
            String.raw`structuredMode, or set protocol: structured`,
        ),
      );
      expect(openai({ mode: 'logprobs' }).configError).toMatch(
        /config\.mode.*a structured answer starts with the JSON object, not the choice.*use mode: multi/,
      );
      expect(openai({ structuredMode: 'grammar' }).configError).toMatch(
        /structuredMode.*json_schema, json_object, guided_json/,
      );
    } finally {
      stderr.mockRestore();
    }
  });
});

describe('Anthropic provider, protocol structured', () => {
  it('forces a tool call whose input schema is the answer, and reads the answer from the tool input', async () => {
    server.script(ok(ANSWER));
    const r = await call(anthropic());
    const body = server.requests[0]!.body;
    expect(body.tools).toEqual([
      {
        name: 'record_decision',
        description: expect.any(String),
        input_schema: expect.objectContaining({ required: ['motivation', 'answer'], additionalProperties: false }),
      },
    ]);
    expect(body.tools[0].input_schema.properties.answer.enum).toEqual(['C', 'D']);
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'record_decision' });
    expect(JSON.parse(r.output as string)).toEqual(JSON.parse(ANSWER));
    expect(meta(r)).toMatchObject({ protocol: 'structured', finishReason: 'stop' });
    expect(meta(r).structuredMode).toBeUndefined();
    expect(strictly(r.output as string)).toMatchObject({ ok: true, action: 'D' });
  });

  it(
    'records a tool input that breaks the schema as it came, and a reply without the tool call as its text: ' +
      'both violations',
    async () => {
      server.script(
        ok('', { toolInput: { motivation: 'm', answer: 'cooperate' } }),
        ok('I choose C.', { ignoreTools: true }),
      );
      const wrong = await call(anthropic());
      expect(wrong.output).toBe('{"motivation":"m","answer":"cooperate"}');
      expect(strictly(wrong.output as string)).toMatchObject({ ok: false, failure: 'schema-violation' });
      const prose = await call(anthropic());
      expect(prose.output).toBe('I choose C.');
      expect(strictly(prose.output as string)).toMatchObject({ ok: false, failure: 'schema-violation' });
    },
  );

  it('says what to do when the server does not take forced tool calls, and refuses structuredMode', async () => {
    server.script(status(400, { message: 'tool_choice: Extra inputs are not permitted' }));
    expect((await call(anthropic())).error).toContain(
      'the server did not take the forced tool call (tools + tool_choice)',
    );
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(anthropic({ structuredMode: 'json_schema' }).configError).toMatch(
        /Anthropic takes the answer schema as a forced tool call/,
      );
    } finally {
      stderr.mockRestore();
    }
  });
});
