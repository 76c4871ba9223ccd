// The structured protocol end to end: `promptfoo eval` (the CLI, as a user runs it) of an
// OpenAI-compatible and an Anthropic provider against the loopback server, scored by the alignment
// assertion and summarised by the hook; then convert, replay of the recording, and export.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as cli } from './helpers/run-cli.js';
import { ROOT, runPromptfoo, STACK_TRACE, type Run } from './helpers/run-promptfoo.js';
import {
  ok,
  okTexts,
  startLoopbackServer,
  userText,
  type Behaviour,
  type LoopbackServer,
  type RecordedRequest,
} from './loopback/server.js';

const KEY_ENV = 'STRATALIGN_TEST_STRUCTURED_EVAL_KEY';
// Context role texts from datasets/catalogue/contexts.yaml identify the scenario of a request.
const CONTEXT = {
  business: 'CEO of a firm meeting the CEO',
  team: 'a colleague choosing between two projects',
  friends: 'one of two friends',
};
const VALID_D =
  '{"motivation":"The other CEO gains more from D whatever I do, so I expect D and answer D.","answer":"D"}';
const VALID_C = '{"motivation": "A joint project pays most if we both commit.", "answer": "C"}';
const UNKNOWN_LABEL = '{"motivation": "I will cooperate.", "answer": "E"}';
const TEXT_AROUND = 'Sure! {"motivation": "m", "answer": "C"}';
/** What the OpenAI-compatible student answers per scenario, three choices per request (n = 3). */
const OPENAI_TEXTS: Record<keyof typeof CONTEXT, string[]> = {
  business: [VALID_D, VALID_D, VALID_D],
  team: [VALID_C, UNKNOWN_LABEL, TEXT_AROUND],
  friends: [VALID_C, VALID_D, '{"motivation": "m", "answer": "C"'],
};

let server: LoopbackServer;
let dir: string;
let evalRun: Run;
let rows: any[];

function contextOf(request: RecordedRequest): keyof typeof CONTEXT | undefined {
  return (Object.keys(CONTEXT) as (keyof typeof CONTEXT)[]).find((c) => userText(request).includes(CONTEXT[c]));
}

function answer(request: RecordedRequest): Behaviour {
  const context = contextOf(request);
  if (!context) return { kind: 'status', status: 500, shouldRetry: false, message: 'loopback: unexpected scenario' };
  if (request.path === '/v1/messages') {
    // The Anthropic model answers through the forced tool; on team its input breaks the schema.
    if (context === 'team')
      return ok('', { toolInput: { motivation: 'Working together is best.', answer: 'cooperate' } });
    return ok(context === 'business' ? VALID_D : VALID_C);
  }
  return okTexts(OPENAI_TEXTS[context]);
}

const config = (providers: string, extra = '') => `description: structured protocol against the loopback server
prompts:
  - id: file://${ROOT}extensions/scenario-prompt.ts:scenarioPrompt
    label: structured
    config: { protocol: structured }
providers:
${providers}
tests:
${Object.keys(CONTEXT)
  .map(
    (c) =>
      `  - vars: { scenario: ` +
      `${c}/${c === 'friends' ? 'snowdrift' : c === 'team' ? 'stag-hunt' : 'prisoners-dilemma'}, split: in-sample }`,
  )
  .join('\n')}
defaultTest:
  assert:
    - type: javascript
      value: file://${ROOT}assertions/alignment.ts:alignment
      metric: teacher_agreement
      config: { reference: ${ROOT}datasets/recordings/lfb-counts.csv, referenceRole: teacher }
extensions:
  - file://${ROOT}extensions/config-check.ts:beforeAll
  - file://${ROOT}extensions/summary-hook.ts:afterAll
${extra}`;

async function evaluate(name: string, providers: string): Promise<{ run: Run; rows: any[] }> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, config(providers));
  const out = join(dir, `${name}.json`);
  const result = await runPromptfoo(['eval', '--report', '-c', file, '--no-table', '-o', out], {
    stateDir: join(dir, '.promptfoo'),
    env: { [KEY_ENV]: 'sk-loopback-structured-eval' },
  });
  const parsed = result.code === 0 ? JSON.parse(readFileSync(out, 'utf8')) : { results: { results: [] } };
  return { run: result, rows: parsed.results.results };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stratalign-structured-eval-'));
  mkdirSync(join(dir, '.promptfoo'));
  server = await startLoopbackServer({ fallback: answer });
  const providers =
    `  - id: file://${ROOT}providers/openai-compatible.ts
    label: student gpt-structured
    config: { model: gpt-structured, baseUrl: '${server.url}/v1', apiKeyEnv: ${KEY_ENV}, protocol: structured, ` +
    `role: fine-tuned, samples: 3, useN: true, maxRetries: 0 }
  - id: file://${ROOT}providers/anthropic.ts
    label: teacher claude-structured
    config: { model: claude-structured, baseUrl: '${server.url}', apiKeyEnv: ${KEY_ENV}, protocol: structured, ` +
    `role: teacher, max_tokens: 400, maxRetries: 0 }`;
  ({ run: evalRun, rows } = await evaluate('live', providers));
}, 120_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const row = (label: string, scenario: string) =>
  rows.find((r) => r.provider.label === label && r.vars.scenario === scenario);
const reasonOf = (r: any) => r.gradingResult.componentResults[0].reason as string;

describe('promptfoo eval with the structured protocol against the loopback server', () => {
  it('runs to exit 0 without a stack trace, every request carrying the schema the API takes', () => {
    expect(evalRun.code, evalRun.stderr + evalRun.stdout).toBe(0);
    expect(`${evalRun.stdout}${evalRun.stderr}`).not.toMatch(STACK_TRACE);
    expect(rows).toHaveLength(6);
    const openai = server.requests.filter((r) => r.path === '/v1/chat/completions');
    const anthropic = server.requests.filter((r) => r.path === '/v1/messages');
    expect(openai).toHaveLength(3);
    expect(anthropic).toHaveLength(3);
    for (const r of openai)
      expect(r.body.response_format).toMatchObject({
        type: 'json_schema',
        json_schema: { strict: true, schema: { required: ['motivation', 'answer'] } },
      });
    for (const r of anthropic) expect(r.body.tool_choice).toEqual({ type: 'tool', name: r.body.tools[0].name });
  });

  it('scores the valid objects and counts each schema-violating answer as such, never as a choice', () => {
    const business = row('student gpt-structured', 'business/prisoners-dilemma');
    expect(business.gradingResult.namedScores).toMatchObject({ parse_valid: 1, cooperation: 0 });
    const team = row('student gpt-structured', 'team/stag-hunt');
    expect(reasonOf(team)).toContain('1/3 multi samples valid');
    expect(reasonOf(team)).toContain('unparseable: schema-violation 2');
    expect(team.gradingResult.namedScores.parse_valid).toBeCloseTo(1 / 3, 10);
    expect(team.gradingResult.namedScores.cooperation).toBe(1);
    // A cut JSON object with finish reason "stop" is a violation, not a truncation.
    expect(reasonOf(row('student gpt-structured', 'friends/snowdrift'))).toContain('2/3 multi samples valid');
    expect(reasonOf(row('student gpt-structured', 'friends/snowdrift'))).toContain('schema-violation 1');
    const claudeTeam = row('teacher claude-structured', 'team/stag-hunt');
    expect(reasonOf(claudeTeam)).toMatch(
      /^UNSCORED \(schema-violation\): "answer" "cooperate" is not one of the labels "C", "D"/,
    );
    expect(claudeTeam.gradingResult.namedScores).toMatchObject({ parse_valid: 0 });
    expect(claudeTeam.gradingResult.namedScores.cooperation).toBeUndefined();
    expect(row('teacher claude-structured', 'friends/snowdrift').gradingResult.namedScores).toMatchObject({
      parse_valid: 1,
      cooperation: 1,
    });
  });

  it('shows the failure kind in the end-of-eval summary', () => {
    expect(evalRun.stdout).toContain('stratalign summary');
    expect(evalRun.stdout).toMatch(
      /student gpt-structured: 66\.7 % read by the rules \(6 of 9\); unread: 3 schema-violation/,
    );
    expect(evalRun.stdout).toMatch(
      /teacher claude-structured: 66\.7 % read by the rules \(2 of 3\); unread: 1 schema-violation/,
    );
  });
});

describe('a structured recording: convert, replay, export', () => {
  const recording = () => join(dir, 'live.jsonl');
  const lines = (file: string) =>
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));

  it('converts to samples whose text is the JSON exactly as the API returned it, read strictly', async () => {
    expect(await cli(['convert', join(dir, 'live.json'), '--out', recording()])).toMatchObject({ code: 0 });
    const samples = lines(recording());
    expect(samples).toHaveLength(12);
    const team = samples.filter((s) => s.model === 'student gpt-structured' && s.scenario === 'team/stag-hunt');
    expect(team.map((s) => s.text)).toEqual(OPENAI_TEXTS.team);
    expect(team.map((s) => (s.parse.ok ? s.parse.rule : s.parse.failure))).toEqual([
      'structured',
      'schema-violation',
      'schema-violation',
    ]);
    expect(new Set(samples.map((s) => s.provenance.protocol))).toEqual(new Set(['structured']));
    const claude = samples.find(
      (s) => s.model === 'teacher claude-structured' && s.scenario === 'business/prisoners-dilemma',
    );
    expect(JSON.parse(claude.text)).toEqual(JSON.parse(VALID_D));
  });

  it('replays the recording through promptfoo and reads every answer back exactly the same', async () => {
    const providers = ['student gpt-structured', 'teacher claude-structured']
      .map(
        (model) =>
          `  - id: file://${ROOT}providers/replay.ts\n    label: ${model} [replay]\n    config: { recording: ` +
          `${recording()}, model: ${model}, samples: all, seed: 1 }`,
      )
      .join('\n');
    const replay = await evaluate('replay', providers);
    expect(replay.run.code, replay.run.stderr + replay.run.stdout).toBe(0);
    expect(
      reasonOf(
        replay.rows.find(
          (r: any) => r.provider.label === 'teacher claude-structured [replay]' && r.vars.scenario === 'team/stag-hunt',
        ),
      ),
    ).toMatch(/UNSCORED.*schema-violation/);
    expect(await cli(['convert', join(dir, 'replay.json'), '--out', join(dir, 'replay.jsonl')])).toMatchObject({
      code: 0,
    });
    const key = (s: any) => `${s.model.replace(' [replay]', '')}|${s.scenario}|${s.text}|${JSON.stringify(s.parse)}`;
    expect(lines(join(dir, 'replay.jsonl')).map(key).sort()).toEqual(lines(recording()).map(key).sort());
    expect(lines(join(dir, 'replay.jsonl')).every((s) => s.provenance.protocol === 'structured')).toBe(true);
  }, 120_000);

  it('exports the JSON object as the target, drops the violations, and refuses another protocol', async () => {
    const out = join(dir, 'datasets');
    const exported = await cli([
      'export',
      recording(),
      '--format',
      'trl-messages',
      '--out',
      out,
      '--protocol',
      'structured',
      '--model',
      'student gpt-structured',
      '--target',
      'normalised',
      '--validation',
      '0',
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    const train = lines(join(out, 'trl-messages', 'train.jsonl'));
    expect(train).toHaveLength(6);
    for (const example of train) {
      const target = example.messages.at(-1).content;
      expect(Object.keys(JSON.parse(target))).toEqual(['motivation', 'answer']);
      expect(example.messages.find((m: any) => m.role === 'user').content).toContain('Reply with a JSON object');
    }
    expect(train.map((e: any) => e.messages.at(-1).content)).toContain(JSON.stringify(JSON.parse(VALID_C)));
    const manifest = JSON.parse(readFileSync(join(out, 'trl-messages', 'manifest.json'), 'utf8'));
    expect(manifest.totals.dropped).toEqual({ 'schema-violation': 3 });
    const mismatch = await cli([
      'export',
      recording(),
      '--format',
      'trl-messages',
      '--out',
      join(dir, 'other'),
      '--protocol',
      'reasoned',
      '--model',
      'student gpt-structured',
    ]);
    expect(mismatch.code).not.toBe(0);
    expect(mismatch.stderr).toContain('the sample was collected under protocol structured, but --protocol is reasoned');
    const action = await cli([
      'export',
      recording(),
      '--format',
      'trl-messages',
      '--out',
      join(dir, 'other'),
      '--protocol',
      'structured',
      '--model',
      'student gpt-structured',
      '--target',
      'action',
    ]);
    expect(action.stderr).toContain('a bare action would teach the student to break the schema');
  });
});
