// Splitting requests into batches within the APIs' limits, measured the way each API measures them.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_LIMITS } from '../src/sources/batch/limits.js';
import { buildPlan } from '../src/sources/batch/plan-builder.js';
import { planItems, type CollectionPlan } from '../src/sources/batch/plan.js';
import { chunkRequests, effectiveLimits, writeRequestFile } from '../src/sources/batch/request-files.js';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { expandGrid } from '../src/catalogue/scenarios/scenario.js';
import { useTempDirs } from './helpers/temp-dir.js';

const catalogue = defaultCatalogue();
const tempDir = useTempDirs();

function plan(provider: 'openai' | 'anthropic', samples = 5): CollectionPlan {
  // Two games with different prompt lengths, so lines differ in size.
  const scenarios = expandGrid(catalogue, {
    contexts: ['business', 'team'],
    games: ['prisoners-dilemma', 'public-goods'],
  }).map((scenario) => ({ scenario, split: 'in-sample' }));
  return buildPlan(
    { provider, model: 'm', protocol: 'reasoned', samples, scenarios, sampling: { max_tokens: 50 } },
    catalogue,
  );
}

describe('chunkRequests', () => {
  it('closes a batch at the request limit and keeps plan order', () => {
    const p = plan('openai');
    const items = planItems(p, catalogue);
    const chunks = [...chunkRequests(items, p, { maxRequests: 6, maxBytes: 10_000_000 })];
    expect(chunks.map((c) => c.items.length)).toEqual([6, 6, 6, 2]);
    expect(chunks.flatMap((c) => c.items)).toEqual(items);
  });

  for (const provider of ['openai', 'anthropic'] as const) {
    it(`${provider}: every batch is within the byte limit, and no batch could have taken the next request`, () => {
      const p = plan(provider);
      const items = planItems(p, catalogue);
      const all = [...chunkRequests(items, p, { maxRequests: 1000, maxBytes: 100_000_000 })][0]!;
      const sizes = all.lines.map((l) => Buffer.byteLength(l));
      expect(new Set(sizes).size).toBeGreaterThan(1);
      const limit = Math.floor(all.bytes / 3);
      const chunks = [...chunkRequests(items, p, { maxRequests: 1000, maxBytes: limit })];
      expect(chunks.length).toBeGreaterThanOrEqual(3);
      let next = 0;
      for (const [i, chunk] of chunks.entries()) {
        expect(chunk.bytes).toBeLessThanOrEqual(limit);
        next += chunk.items.length;
        if (i < chunks.length - 1) {
          const withNext = [
            ...chunkRequests(items.slice(next - chunk.items.length, next + 1), p, {
              maxRequests: 1000,
              maxBytes: 100_000_000,
            }),
          ][0]!;
          expect(withNext.bytes).toBeGreaterThan(limit);
        }
      }
      expect(next).toBe(items.length);
    });
  }

  it('counts bytes as each API does: the OpenAI file on disk, the Anthropic create-request body', () => {
    const dir = tempDir();
    const openai = plan('openai');
    const [chunk] = [...chunkRequests(planItems(openai, catalogue), openai, effectiveLimits('openai'))];
    const written = writeRequestFile(join(dir, 'b0001.jsonl'), chunk!.lines);
    expect(statSync(written.path).size).toBe(chunk!.bytes);
    expect(written.bytes).toBe(chunk!.bytes);
    expect(
      readFileSync(written.path, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).custom_id),
    ).toEqual(chunk!.items.map((i) => i.customId));

    const anthropic = plan('anthropic');
    const [body] = [...chunkRequests(planItems(anthropic, catalogue), anthropic, effectiveLimits('anthropic'))];
    // The SDK sends JSON.stringify({ requests }): the limit is about that body.
    expect(Buffer.byteLength(JSON.stringify({ requests: body!.lines.map((l) => JSON.parse(l)) }))).toBe(body!.bytes);
  });

  it('refuses a request larger than a whole batch may be, naming it', () => {
    const p = plan('openai');
    expect(() => [...chunkRequests(planItems(p, catalogue), p, { maxRequests: 10, maxBytes: 500 })]).toThrow(
      new RegExp(
        String.raw`request: this one request is \d+ bytes, more than a whole batch may be \(500 bytes\) ` +
          String.raw`\(got "business_prisoners-dilemma_0"\)`,
      ),
    );
  });
});

describe('effectiveLimits', () => {
  it('uses the API limits by default, allows smaller ones, and refuses larger ones', () => {
    expect(effectiveLimits('openai')).toEqual({ maxRequests: 50_000, maxBytes: 200_000_000 });
    expect(effectiveLimits('anthropic')).toEqual(API_LIMITS.anthropic);
    expect(effectiveLimits('anthropic', { maxRequests: 10 })).toEqual({ maxRequests: 10, maxBytes: 256_000_000 });
    expect(() => effectiveLimits('openai', { maxRequests: 50_001 })).toThrow(
      /--max-requests: must be a whole number from 1 to 50,000, the openai batch limit/,
    );
    expect(() => effectiveLimits('anthropic', { maxBytes: 256_000_001 })).toThrow(/--max-bytes/);
  });
});
