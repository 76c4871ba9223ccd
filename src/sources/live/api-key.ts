import { z } from 'zod';
import type { LiveFault } from './faults.js';

/** The config field naming the key's environment variable (live providers, the extractor, batch plans). */
export const apiKeyEnvName = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    'must be the NAME of an environment variable, never the key itself (letters, digits and _)',
  );

export type KeyLookup = { ok: true; key: string | null } | { ok: false; fault: LiveFault };

/**
 * Reads the key at call time, never at load time, so configs with providers a run filters out
 * still load. Only the environment is consulted: a key never lives in a config file.
 */
export function lookupApiKey(
  apiKeyEnv: string | null,
  env: Record<string, string | undefined> = process.env,
): KeyLookup {
  if (apiKeyEnv === null) return { ok: true, key: null };
  const key = env[apiKeyEnv];
  if (key === undefined || key.trim() === '')
    return { ok: false, fault: { kind: 'missing-key', envVar: apiKeyEnv, empty: key !== undefined } };
  return { ok: true, key };
}

/** Too short to redact without mangling ordinary text; real keys are far longer. */
const MIN_REDACTABLE = 6;

/**
 * Replaces the key wherever it appears in strings of a JSON-like value. Servers echo keys in
 * error bodies ("Incorrect API key provided: sk-…"), and those bodies reach outputs and metadata.
 */
export function redactSecret<T>(value: T, secret: string | null): T {
  if (!secret || secret.length < MIN_REDACTABLE) return value;
  const scrub = (v: unknown): unknown => {
    if (typeof v === 'string') return v.split(secret).join('[redacted]');
    if (Array.isArray(v)) return v.map(scrub);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, scrub(inner)]));
    return v;
  };
  return scrub(value) as T;
}
