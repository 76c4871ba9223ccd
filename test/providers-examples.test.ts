// The ready-made configs in examples/ must load: valid provider configs, existing files, env vars listed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import AnthropicProvider from '../providers/anthropic.js';
import OpenAICompatibleProvider from '../providers/openai-compatible.js';
import { parseSimulatedConfig } from '../src/sources/simulated/simulated-config.js';

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));
const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));

type ProviderEntry = { id: string; label: string; prompts?: string[]; config: Record<string, unknown> };
type Example = { providers: ProviderEntry[]; prompts: { label: string; config: { protocol: string } }[] };

function headerComment(text: string): string {
  const lines = text.split('\n');
  const end = lines.findIndex((line) => !line.startsWith('#'));
  return lines.slice(0, end).join('\n');
}

describe.each(files)('examples/%s', (file) => {
  const text = readFileSync(join(EXAMPLES, file), 'utf8');
  const example = load(text) as Example;
  const live = example.providers.filter((p) => /(openai-compatible|anthropic)\.ts$/.test(p.id));
  const simulated = example.providers.filter((p) => p.id.endsWith('simulated.ts'));

  it('has live (or clearly simulated) providers whose configs validate', () => {
    expect(live.length + simulated.length).toBeGreaterThan(0);
    for (const entry of simulated) {
      expect(() => parseSimulatedConfig(entry.config, entry.label)).not.toThrow();
      expect(entry.label).toMatch(/\[simulated\]$/);
    }
    for (const entry of live) {
      const Provider = entry.id.endsWith('anthropic.ts') ? AnthropicProvider : OpenAICompatibleProvider;
      // promptfoo passes the config's folder as basePath; relative paths in the config are read from it.
      const provider = new Provider({ id: entry.id, config: { ...entry.config, basePath: EXAMPLES } });
      expect(provider.configError, entry.label).toBeUndefined();
      expect(provider.config?.protocol, entry.label).toBe(entry.config.protocol);
    }
  });

  it('lists in its header every env var its providers read', () => {
    const header = headerComment(text);
    expect(header).toMatch(/Env vars needed:/);
    for (const entry of live) {
      const Provider = entry.id.endsWith('anthropic.ts') ? AnthropicProvider : OpenAICompatibleProvider;
      const config = new Provider({ id: entry.id, config: { ...entry.config, basePath: EXAMPLES } }).config;
      expect(config, entry.label).toBeDefined();
      if (config!.apiKeyEnv !== null) expect(header, entry.label).toContain(config!.apiKeyEnv);
    }
  });

  it('gives each provider the prompt of its own protocol', () => {
    const protocolOf = new Map(example.prompts.map((p) => [p.label, p.config.protocol]));
    for (const entry of live)
      expect(
        entry.prompts?.map((label) => protocolOf.get(label)),
        entry.label,
      ).toEqual([entry.config.protocol]);
  });

  it('references files that exist, relative to the config', () => {
    const refs = [...text.matchAll(/file:\/\/([^\s:'"]+)/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(existsSync(resolve(dirname(join(EXAMPLES, file)), ref)), ref).toBe(true);
  });
});
