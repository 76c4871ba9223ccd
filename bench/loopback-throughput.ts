// (e) Our OpenAI-compatible provider against the loopback server answering after a set latency:
// achieved calls per second as a share of the ceiling concurrency / latency, next to a bare
// fetch loop against the same server (what the server and loopback TCP allow at all).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { readEnvelope } from '../src/answers/samples/envelope.js';
import type { BenchRow } from './format-table.js';
import { median, requireFiles } from './promptfoo-harness.js';

const LATENCY_MS = 50;
/** Rounds of `concurrency` calls per measurement, so start-up is a small part of the time. */
const ROUNDS = 20;

type Provider = { callApi(prompt: string, context: unknown): Promise<{ output?: string; error?: string }> };
type ProviderClass = new (options: { id: string; config: Record<string, unknown> }) => Provider;
type Stats = { requests: number; maxInFlight: number };

export async function benchLoopbackThroughput(opts: {
  dir: string;
  concurrencies?: number[];
  latencyMs?: number;
  repeats?: number;
}): Promise<BenchRow[]> {
  requireFiles('test/loopback/server.ts', 'providers/openai-compatible.ts');
  const latency = opts.latencyMs ?? LATENCY_MS;
  const repeats = opts.repeats ?? 3;
  const { default: OpenAICompatibleProvider } = (await import('../providers/openai-compatible.js')) as unknown as {
    default: ProviderClass;
  };
  const server = await startServerProcess(latency);
  const rows: BenchRow[] = [];
  try {
    const provider = (concurrency: number, samples: number) =>
      new OpenAICompatibleProvider({
        id: `loopback-c${concurrency}`,
        config: {
          model: 'loopback',
          baseUrl: `${server.url}/v1`,
          apiKeyEnv: null,
          protocol: 'letter-only',
          mode: 'multi',
          samples,
          useN: false,
          concurrency,
          maxRetries: 0,
        },
      });
    const vars = { vars: { scenario: 'business/prisoners-dilemma' } };
    // Warm-up: JIT, SDK and connection set-up are one-off costs.
    await provider(4, 40).callApi('', vars);
    await fetchLoop(server.url, 4, 40);
    for (const concurrency of opts.concurrencies ?? [1, 4, 16, 64]) {
      const samples = concurrency * ROUNDS;
      const ceiling = {
        label: 'ceiling concurrency / latency',
        value: concurrency / (latency / 1000),
        unit: 'calls/s',
      };
      const ours: { rate: number; requests: number; seconds: number; answered: number; error?: string }[] = [];
      const bare: number[] = [];
      for (let r = 0; r < repeats; r++) {
        const before = await server.stats();
        const start = performance.now();
        const response = await provider(concurrency, samples).callApi('', vars);
        const seconds = (performance.now() - start) / 1000;
        const requests = (await server.stats()).requests - before.requests;
        const read = readEnvelope(response.output ?? '');
        ours.push({
          rate: requests / seconds,
          requests,
          seconds,
          answered: read.kind === 'envelope' ? read.envelope.samples.length : 0,
          ...(response.error ? { error: response.error } : {}),
        });
        const bareStart = performance.now();
        await fetchLoop(server.url, concurrency, samples);
        bare.push(samples / ((performance.now() - bareStart) / 1000));
      }
      const typical = [...ours].sort((a, b) => a.rate - b.rate)[Math.floor(ours.length / 2)]!;
      const { maxInFlight } = await server.stats();
      rows.push({
        comparison: `ours: concurrency ${concurrency}, latency ${latency} ms`,
        subject: {
          label:
            `stratalign openai-compatible provider, ${samples} calls (mode multi, useN false, no retries), ` +
            `median of ${repeats}`,
          value: typical.rate,
          unit: 'calls/s',
        },
        baseline: ceiling,
        note:
          `median run: ${typical.requests} requests in ${typical.seconds.toFixed(2)} s, ${typical.answered} ` +
          `answers in the envelope${typical.error ? `, ERROR: ${typical.error.slice(0, 160)}` : ''}; most in ` +
          `flight at the server so far ${maxInFlight}.`,
      });
      rows.push({
        comparison: `bare fetch: concurrency ${concurrency}`,
        subject: {
          label: `a plain fetch loop, ${samples} calls, median of ${repeats}: what the server and loopback TCP allow`,
          value: median(bare),
          unit: 'calls/s',
        },
        baseline: ceiling,
      });
    }
  } finally {
    await server.stop();
  }
  return rows;
}

async function fetchLoop(url: string, concurrency: number, calls: number): Promise<void> {
  let next = 0;
  const body = JSON.stringify({ model: 'loopback', messages: [{ role: 'user', content: 'C or D?' }] });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < calls) {
        const response = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        await response.json();
      }
    }),
  );
}

async function startServerProcess(
  latency: number,
): Promise<{ url: string; stats(): Promise<Stats>; stop(): Promise<void> }> {
  const script = fileURLToPath(new URL('./loopback-server-child.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, String(latency)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: Interface = createInterface({ input: child.stdout! });
  const iterator = lines[Symbol.asyncIterator]();
  const nextLine = async (): Promise<unknown> => {
    const { value, done } = await iterator.next();
    if (done) throw new Error('the loopback server process ended before answering');
    return JSON.parse(value as string);
  };
  const { url } = (await nextLine()) as { url: string };
  return {
    url,
    async stats() {
      child.stdin!.write('stats\n');
      return (await nextLine()) as Stats;
    },
    async stop() {
      const exited = child.exitCode === null ? once(child, 'exit') : Promise.resolve();
      child.stdin!.end();
      await exited;
    },
  };
}
