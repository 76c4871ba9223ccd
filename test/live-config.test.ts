import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { parseLiveConfig, type ProviderKind } from '../src/sources/live/provider-config.js';
import { errorOf } from './helpers/error-of.js';

const catalogue = defaultCatalogue();
const parse = (config: unknown, kind: ProviderKind = 'openai-compatible') =>
  parseLiveConfig(config, kind, 'file://providers/x.ts', catalogue);

describe('parseLiveConfig', () => {
  it('fills the documented defaults for an OpenAI-compatible provider', () => {
    const c = parse({ model: 'gpt-4o-mini', protocol: 'reasoned', basePath: '/somewhere' });
    expect(c).toMatchObject({
      kind: 'openai-compatible',
      baseUrl: 'https://api.openai.com/v1',
      apiKeyEnv: 'OPENAI_API_KEY',
      mode: 'single',
      samples: 1,
      useN: 'auto',
      maxRetries: 2,
      timeoutMs: 600_000,
      concurrency: 4,
      prices: null,
      role: null,
    });
    expect(c.sampling).toEqual({});
  });

  it('infers multi mode from samples > 1 and keeps sampling parameters', () => {
    const c = parse({
      model: 'm',
      protocol: 'letter-only',
      samples: 5,
      temperature: 0.7,
      top_p: 0.9,
      max_tokens: 3,
      seed: 4,
      baseUrl: 'http://127.0.0.1:8000/v1/',
      apiKeyEnv: null,
    });
    expect(c.mode).toBe('multi');
    expect(c.sampling).toEqual({ temperature: 0.7, top_p: 0.9, max_tokens: 3, seed: 4 });
    expect(c.baseUrl).toBe('http://127.0.0.1:8000/v1');
    expect(c.apiKeyEnv).toBeNull();
  });

  it('rejects a misspelt key, naming the provider, the key and the likely fix', () => {
    const err = errorOf(() => parse({ model: 'm', protocol: 'reasoned', temprature: 0.7 }));
    expect(err.message).toContain('providers[file://providers/x.ts].config.temprature');
    expect(err.message).toContain('unknown key');
    expect(err.message).toContain('did you mean temperature?');
  });

  it('refuses a key pasted into the config without echoing it', () => {
    const secret = 'sk-live-0123456789abcdef';
    for (const config of [{ apiKey: secret }, { apiKeyEnv: secret }]) {
      const err = errorOf(() => parse({ model: 'm', protocol: 'reasoned', ...config }));
      expect(err.message).not.toContain(secret);
      expect(err.message).toMatch(/environment variable/);
    }
  });

  it('requires a known protocol', () => {
    expect(errorOf(() => parse({ model: 'm' })).message).toContain('config.protocol');
    const err = errorOf(() => parse({ model: 'm', protocol: 'letters' }));
    expect(err.message).toContain('unknown prompt protocol');
    expect(err.message).toContain('letter-only');
  });

  it.each([
    [{ samples: 3, mode: 'single' }, 'config.samples', 'mode single'],
    [{ mode: 'multi' }, 'config.samples', 'at least 2'],
    [{ mode: 'logprobs', protocol: 'reasoned' }, 'config.mode', 'letter-only'],
    [{ mode: 'logprobs', samples: 4 }, 'config.samples', 'one call'],
    [{ topLogprobs: 5 }, 'config.topLogprobs', 'mode logprobs'],
    [{ useN: true }, 'config.useN', 'mode multi'],
    [{ temperature: 3 }, 'config.temperature', '2'],
  ])('rejects impossible combination %j', (extra, field, words) => {
    const err = errorOf(() => parse({ model: 'm', protocol: 'letter-only', ...extra }));
    expect(err.message).toContain(field);
    expect(err.message).toContain(words);
  });

  it('applies what Anthropic lacks as config errors', () => {
    const base = { model: 'claude', protocol: 'letter-only', max_tokens: 5 };
    expect(errorOf(() => parse({ ...base, mode: 'logprobs' }, 'anthropic')).message).toContain('no log-probabilities');
    expect(errorOf(() => parse({ ...base, samples: 3, useN: true }, 'anthropic')).message).toContain('no `n`');
    expect(errorOf(() => parse({ ...base, seed: 1 }, 'anthropic')).message).toContain('no seed');
    expect(errorOf(() => parse({ ...base, temperature: 1.5 }, 'anthropic')).message).toContain('at most 1');
    expect(errorOf(() => parse({ model: 'claude', protocol: 'reasoned' }, 'anthropic')).message).toContain(
      'requires max_tokens',
    );
    const ok = parse({ ...base, samples: 3 }, 'anthropic');
    expect(ok).toMatchObject({
      mode: 'multi',
      useN: false,
      baseUrl: 'https://api.anthropic.com',
      apiKeyEnv: 'ANTHROPIC_API_KEY',
    });
  });
});
