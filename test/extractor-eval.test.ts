// End to end: a real `promptfoo eval` (the CLI, through the wrapper every npm script uses) of live
// providers against the loopback server, one student with the audited extractor enabled. The
// summary, `stratalign report` and `stratalign gate` show rule-read, extractor-read and unread
// answers apart, with the same numbers; a gate can require a minimum rule-read rate.
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTRACTOR_PROMPT_VERSION } from '../src/answers/extraction/extraction-record.js';
import { ROOT, runPromptfoo, STACK_TRACE, type Run } from './helpers/run-promptfoo.js';
import { run } from './helpers/run-cli.js';
import {
  ok,
  okTexts,
  startLoopbackServer,
  userText,
  type LoopbackServer,
  type RecordedRequest,
} from './loopback/server.js';

const KEY_ENV = 'STRATALIGN_TEST_EXTRACTOR_EVAL_KEY';
const UNREAD = "Weighing loyalty against the payoff, I'd lean to the first of the two.";
const CHOICELESS = 'Hmm, hard to say.';
// Each student row answers these four (n = 4): two the rules read, two they do not.
const STUDENT_ANSWERS = ['C', UNREAD, CHOICELESS, 'D'];

let server: LoopbackServer;
let dir: string;
let evalRun: Run;
let results: string;

const reply = (request: RecordedRequest) => {
  const model = request.body?.model;
  if (model === 'reader') {
    const text = userText(request);
    return ok(
      text.includes(JSON.stringify(UNREAD)) ? 'C' : text.includes(JSON.stringify(CHOICELESS)) ? 'none' : 'nonsense!',
    );
  }
  if (model === 'teacher') return okTexts(['C', 'D', 'C', 'C']);
  return okTexts(STUDENT_ANSWERS);
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stratalign-extractor-eval-'));
  server = await startLoopbackServer({ fallback: reply });
  const live = (label: string, model: string, role: string, extra: Record<string, unknown> = {}) => ({
    id: `file://${join(ROOT, 'providers/openai-compatible.ts')}`,
    label,
    prompts: ['letter-only'],
    config: {
      model,
      role,
      protocol: 'letter-only',
      baseUrl: `${server.url}/v1`,
      apiKeyEnv: KEY_ENV,
      samples: 4,
      useN: true,
      maxRetries: 0,
      ...extra,
    },
  });
  const config = {
    description: 'extractor end to end against the loopback server',
    prompts: [
      {
        id: `file://${join(ROOT, 'extensions/scenario-prompt.ts')}:scenarioPrompt`,
        label: 'letter-only',
        config: { protocol: 'letter-only' },
      },
    ],
    providers: [
      live('base student [live]', 'base-student', 'base'),
      live('fine-tuned student [live]', 'ft-student', 'fine-tuned', {
        extractor: {
          provider: 'openai-compatible',
          model: 'reader',
          baseUrl: `${server.url}/v1`,
          apiKeyEnv: KEY_ENV,
          maxRetries: 0,
        },
      }),
      live('teacher [live]', 'teacher', 'teacher'),
    ],
    tests: [
      {
        path: `file://${join(ROOT, 'extensions/scenario-tests.ts')}:scenarioTests`,
        config: { splits: [{ name: 'in-sample', contexts: ['business', 'team'], games: ['prisoners-dilemma'] }] },
      },
    ],
    defaultTest: {
      assert: [
        {
          type: 'javascript',
          value: `file://${join(ROOT, 'assertions/alignment.ts')}:alignment`,
          metric: 'teacher_agreement',
          config: { reference: join(ROOT, 'datasets/recordings/lfb-counts.csv') },
        },
      ],
    },
    extensions: [
      `file://${join(ROOT, 'extensions/config-check.ts')}:beforeAll`,
      `file://${join(ROOT, 'extensions/summary-hook.ts')}:afterAll`,
    ],
  };
  writeFileSync(join(dir, 'live.json'), JSON.stringify(config, null, 2));
  results = join(dir, 'results.json');
  evalRun = await runPromptfoo(['eval', '--report', '-c', join(dir, 'live.json'), '--no-table', '-o', results], {
    stateDir: join(dir, 'state'),
    env: { [KEY_ENV]: 'sk-loopback-extractor-eval-9d1' },
  });
}, 300_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const FT_LINE =
  'fine-tuned student [live]: 50.0 % read by the rules, 25.0 % by the extractor, 25.0 % unread (4 + 2 + 2 of 8); ' +
  'unread: 2 extractor-none';
const BASE_LINE = 'base student [live]: 50.0 % read by the rules (4 of 8); unread: 4 no-choice';

describe('promptfoo eval with the extractor enabled on one student', () => {
  it("runs to the end and asks the extractor only about the fine-tuned student's unread answers", () => {
    expect(evalRun.stderr).not.toMatch(STACK_TRACE);
    expect(evalRun.code, evalRun.stderr).toBe(0);
    const asked = server.requests.filter((r) => r.body?.model === 'reader');
    // Two scenarios, two unread answers each; the base student has no extractor.
    expect(asked).toHaveLength(4);
    expect(asked.every((r) => r.body.temperature === 0)).toBe(true);
  });

  it('prints the read routes per model in the summary', () => {
    expect(evalRun.stdout).toContain(
      'parse quality (answers read per model: by the rules, by the audited extractor, unread',
    );
    expect(evalRun.stdout).toContain(FT_LINE);
    expect(evalRun.stdout).toContain(BASE_LINE);
    expect(evalRun.stdout).toContain('teacher [live]: 100.0 % read by the rules (8 of 8)');
  });

  it(
    'keeps the extractor record and the readBy mark in the results, and names the extractor in ' + 'the viewer reason',
    () => {
      const rows = JSON.parse(readFileSync(results, 'utf8')).results.results as any[];
      const ft = rows.filter((r) => r.provider.label.startsWith('fine-tuned'));
      expect(ft).toHaveLength(2);
      for (const row of ft) {
        expect(row.response.metadata.stratalign.extractor).toMatchObject({
          model: 'reader',
          promptVersion: EXTRACTOR_PROMPT_VERSION,
          asked: 2,
          read: 1,
          none: 1,
          invalid: 0,
          errors: 0,
        });
        expect(JSON.parse(row.response.output).samples.filter((s: any) => s.extraction)).toHaveLength(2);
        expect(row.gradingResult.componentResults[0].reason).toContain(
          `(2 read by the rules, 1 by the extractor reader (${EXTRACTOR_PROMPT_VERSION}))`,
        );
      }
    },
  );

  it('shows the same routes in stratalign report (terminal, Markdown and JSON)', async () => {
    const md = join(dir, 'report.md');
    const json = join(dir, 'report.json');
    const report = await run(['report', results, '--markdown', md, '--json', json, '--resamples', '200']);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain(FT_LINE);
    expect(report.stdout).toContain(BASE_LINE);
    expect(readFileSync(md, 'utf8')).toContain(FT_LINE.replace(/\[live\]/, '\\[live\\]'));
    const parsed = JSON.parse(readFileSync(json, 'utf8'));
    const ft = parsed.parseQuality.find((q: any) => q.model.startsWith('fine-tuned'));
    expect(ft).toMatchObject({ received: 8, read: 6, extracted: 2, ruleRead: 4, failures: { 'extractor-none': 2 } });
    const overall = parsed.groups
      .find((g: any) => g.label === 'overall')
      .models.find((m: any) => m.model.startsWith('fine-tuned'));
    expect(overall.extractorRead).toBe(2);
    expect(overall.ruleReadRate.value).toBeCloseTo(0.5, 12);
    expect(overall.parseRate.value).toBeCloseTo(0.75, 12);
  });

  it(
    'keeps the routes through convert: the recording marks extractor-read samples and the report ' + 'reads them back',
    async () => {
      const recording = join(dir, 'samples.jsonl');
      const converted = await run(['convert', results, '--out', recording]);
      expect(converted.code, converted.stderr).toBe(0);
      const lines = readFileSync(recording, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const byExtractor = lines.filter((l) => l.parse.readBy === 'extractor');
      expect(byExtractor).toHaveLength(2);
      expect(byExtractor[0]).toMatchObject({
        text: UNREAD,
        parse: { ok: true, action: 'C', extractor: { model: 'reader', promptVersion: EXTRACTOR_PROMPT_VERSION } },
      });
      expect(byExtractor[0].provenance.extraction).toMatchObject({
        reply: 'C',
        ruleFailure: 'no-choice',
        outcome: 'answered',
      });
      const report = await run(['report', recording, '--resamples', '200']);
      expect(report.code, report.stderr).toBe(0);
      expect(report.stdout).toContain(FT_LINE);
    },
  );

  it('gates on the rule-read rate: answers the extractor read do not count towards it', async () => {
    const pass = await run(['gate', results, '--min', 'rule-read-rate.point=45']);
    expect(pass.code, pass.stdout + pass.stderr).toBe(0);
    expect(pass.stdout).toMatch(/PASS rule-read-rate .*fine-tuned student \[live\].* 50\.0/);
    const fail = await run(['gate', results, '--min', 'rule-read-rate.point=60']);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toMatch(/FAIL rule-read-rate .*fine-tuned student \[live\]/);
    // The parse rate counts both routes: 75 % for the student with the extractor.
    const parse = await run(['gate', results, '--min', 'parse-rate.point=70', '--min', 'rule-read-rate.point=60']);
    expect(parse.stdout).toMatch(/PASS parse-rate .*fine-tuned student \[live\]/);
  });
});
