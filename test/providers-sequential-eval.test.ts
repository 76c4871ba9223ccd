// One real `promptfoo eval` of a student in mode sequential against the loopback server, scored by
// the alignment assertion and converted to a recording: every call is accounted for end to end.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnvelope, type SampleEnvelope } from '../src/answers/samples/envelope.js';
import { run as cli } from './helpers/run-cli.js';
import {
  ok,
  okTexts,
  startLoopbackServer,
  userText,
  type Behaviour,
  type LoopbackServer,
  type RecordedRequest,
} from './loopback/server.js';

const PROVIDER = `file://${fileURLToPath(new URL('../providers/openai-compatible.ts', import.meta.url))}`;
const ASSERTION = `file://${fileURLToPath(new URL('../assertions/alignment.ts', import.meta.url))}:alignment`;
const COUNTS = 'datasets/recordings/lfb-counts.csv';
const CAP = 300;
// Context role texts from datasets/catalogue/contexts.yaml identify the scenario of a request.
const CONTEXT = { business: 'CEO of a firm meeting the CEO', team: 'a colleague choosing between two projects' };

type Row = {
  scenario: string;
  error?: string;
  envelope?: SampleEnvelope;
  pass?: boolean;
  reason?: string;
  namedScores?: Record<string, number>;
  meta: Record<string, any>;
};

let server: LoopbackServer;
let dir: string;
let rows: Row[];
const served = { business: 0, team: 0 };

/** C in a share q of answers, deterministically: every prefix of n answers has floor(n·q) C. */
function atShare(q: number, counter: { i: number }): (n: number) => string[] {
  return (n) =>
    Array.from({ length: n }, () => {
      const i = counter.i++;
      return Math.floor((i + 1) * q) > Math.floor(i * q) ? 'C' : 'D';
    });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stratalign-sequential-eval-'));
  Object.assign(process.env, {
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_DISABLE_RUNTIME_WARNINGS: '1',
    PROMPTFOO_CONFIG_DIR: join(dir, '.promptfoo'),
  });
  // team/prisoners-dilemma: the teacher chose C in 200 of 300 answers; this student matches it.
  const team = atShare(200 / 300, { i: 0 });
  server = await startLoopbackServer({
    fallback: (request: RecordedRequest): Behaviour => {
      const n = Number.isInteger(request.body?.n) ? request.body.n : 1;
      if (userText(request).includes(CONTEXT.business)) {
        served.business += n;
        return ok('D');
      }
      if (userText(request).includes(CONTEXT.team)) {
        served.team += n;
        return okTexts(team(n));
      }
      return { kind: 'status', status: 500, shouldRetry: false, message: 'loopback: unexpected scenario' };
    },
  });

  const { default: promptfoo } = await import('promptfoo');
  const results = join(dir, 'results.json');
  const record = await promptfoo.evaluate(
    {
      prompts: ['{{scenario}}'],
      providers: [
        {
          id: PROVIDER,
          label: 'student sequential',
          config: {
            model: 'student',
            baseUrl: `${server.url}/v1`,
            apiKeyEnv: null,
            protocol: 'letter-only',
            mode: 'sequential',
            sequential: { reference: COUNTS, tolerance: 0.1, cap: CAP },
          },
        },
      ],
      tests: ['business/prisoners-dilemma', 'team/prisoners-dilemma', 'team/public-goods'].map((scenario) => ({
        vars: { scenario, split: 'in-sample' },
      })),
      defaultTest: {
        assert: [
          {
            type: 'javascript',
            value: ASSERTION,
            metric: 'alignment',
            config: { reference: COUNTS, maxDistance: 0.1 },
          },
        ],
      },
      outputPath: results,
      writeLatestResults: false,
    },
    { maxConcurrency: 2, showProgressBar: false, cache: false },
  );
  const summary = (await record.toEvaluateSummary()) as any;
  rows = summary.results.map((result: any): Row => {
    const response = result.response ?? {};
    const read = typeof response.output === 'string' ? readEnvelope(response.output) : null;
    if (read?.kind === 'invalid') throw new Error(read.reason);
    return {
      scenario: result.vars.scenario,
      meta: response.metadata?.stratalign ?? {},
      ...(response.error || result.error ? { error: String(response.error ?? result.error) } : {}),
      ...(read?.kind === 'envelope' ? { envelope: read.envelope } : {}),
      // promptfoo says "All assertions passed" at the top; the assertion's own reason is its component's.
      ...(result.gradingResult
        ? {
            pass: result.gradingResult.pass,
            reason: result.gradingResult.componentResults?.[0]?.reason,
            namedScores: result.gradingResult.namedScores,
          }
        : {}),
    };
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const row = (scenario: string) => rows.find((r) => r.scenario === scenario)!;

describe('promptfoo eval with mode sequential', () => {
  it('stops the defecting student early and fails it, with the decision in the reason', () => {
    const r = row('business/prisoners-dilemma');
    const e = r.envelope!;
    expect(e.sequential).toMatchObject({ decision: 'settled-outside', cap: CAP });
    expect(e.requested).toBe(served.business);
    expect(served.business).toBeLessThan(CAP);
    expect(e.samples.length + e.missing.count).toBe(e.requested);
    expect(r.pass).toBe(false);
    expect(r.reason).toContain('FAIL on the sequential decision: 30/30 sequential samples valid');
    expect(r.reason).toMatch(
      new RegExp(
        String.raw`sequential: settled outside tolerance \(group-sequential boundary [\d.]+ % interval ` +
          String.raw`\[0\.000, [\d.]+\] for P\(C\) outside teacher share 0\.313 ± 0\.1`,
      ),
    );
    expect(r.reason).toContain("the teacher's noise (300 answers) included");
    expect(r.namedScores!.sequential_calls_share).toBe(e.requested / CAP);
    expect(r.meta).toMatchObject({ mode: 'sequential', decision: 'settled-outside', calls: e.requested });
  });

  it('settles the student that answers like the teacher within tolerance, and passes it', () => {
    const r = row('team/prisoners-dilemma');
    const e = r.envelope!;
    expect(e.sequential!.decision).toBe('settled-within');
    expect(e.requested).toBe(served.team);
    expect(e.requested).toBeLessThan(CAP);
    expect(r.pass).toBe(true);
    expect(r.reason).toContain('sequential: settled within tolerance');
    expect(r.namedScores!.sequential_calls_share).toBeLessThan(1);
  });

  it('refuses public goods with an error naming the scenario, without a call', () => {
    expect(row('team/public-goods').error).toContain(
      'scenario team/public-goods: mode sequential needs a choice game with two options',
    );
    // Every request the server saw was for one of the two choice scenarios.
    expect(served.business + served.team).toBe(server.requests.reduce((sum, q) => sum + (q.body?.n ?? 1), 0));
    expect(
      server.requests.every((q) => userText(q).includes(CONTEXT.business) || userText(q).includes(CONTEXT.team)),
    ).toBe(true);
  });

  it('converts to a recording whose samples are the answers asked for, marked mode sequential', async () => {
    const recording = join(dir, 'recording.jsonl');
    expect(await cli(['convert', join(dir, 'results.json'), '--out', recording])).toMatchObject({ code: 0 });
    const samples = readFileSync(recording, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(samples).toHaveLength(served.business + served.team);
    expect(new Set(samples.map((s) => s.provenance.mode))).toEqual(new Set(['sequential']));
    expect(samples.filter((s) => s.scenario === 'business/prisoners-dilemma')).toHaveLength(served.business);
  });
});
