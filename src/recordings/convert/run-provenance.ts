import { canonicalJson, sha256Hex } from './canonical-json.js';

export type ProviderProvenance = {
  id: string;
  label: string | null;
  /** `config.model` of the provider entry, when the config names one. */
  model: string | null;
  /** `config.seed` of the provider entry; null when the config sets none. */
  seed: number | string | null;
};

/** Where a promptfoo run came from; every converted sample carries the parts that apply to it. */
export type RunProvenance = {
  evalId: string | null;
  resultsVersion: number | null;
  promptfooVersion: string | null;
  /** When the eval ran (results.timestamp), ISO 8601. */
  evalTime: string | null;
  /** sha256 of the canonical JSON of the eval's `config` as promptfoo saved it; null when the file has none (JSONL). */
  configHash: string | null;
  providers: ProviderProvenance[];
};

/** Builds run provenance from the run-level parts of a results.json, keyed by dotted path. */
export function runProvenanceFrom(parts: Record<string, unknown>): RunProvenance {
  const metadata = asRecord(parts.metadata);
  const config = parts.config;
  return {
    evalId: typeof parts.evalId === 'string' ? parts.evalId : null,
    resultsVersion: typeof parts['results.version'] === 'number' ? parts['results.version'] : null,
    promptfooVersion: typeof metadata?.promptfooVersion === 'string' ? metadata.promptfooVersion : null,
    evalTime: stringOrNull(parts['results.timestamp']) ?? stringOrNull(metadata?.evaluationCreatedAt),
    configHash: config === undefined || config === null ? null : sha256Hex(canonicalJson(config)),
    providers: providersOf(asRecord(config)?.providers),
  };
}

/** The provider entry a row ran on, matched by label first (labels are unique in our suites), then id. */
export function findProvider(
  run: RunProvenance,
  label: string | null,
  id: string | null,
): ProviderProvenance | undefined {
  return (
    run.providers.find((p) => label !== null && p.label === label) ??
    run.providers.find((p) => id !== null && p.id === id && p.label === null)
  );
}

/** promptfoo accepts providers as a string, a list of strings or objects, or a map of id to options. */
function providersOf(value: unknown): ProviderProvenance[] {
  if (typeof value === 'string') return [{ id: value, label: null, model: null, seed: null }];
  if (Array.isArray(value)) return value.flatMap((entry) => providersOf(entry));
  const entry = asRecord(value);
  if (!entry) return [];
  if (typeof entry.id === 'string') {
    const config = asRecord(entry.config);
    const seed = config?.seed;
    return [
      {
        id: entry.id,
        label: typeof entry.label === 'string' ? entry.label : null,
        model: typeof config?.model === 'string' ? config.model : null,
        seed: typeof seed === 'number' || typeof seed === 'string' ? seed : null,
      },
    ];
  }
  // Map form: { "openai:gpt-4o": { label, config } }.
  return Object.entries(entry).flatMap(([id, options]) => providersOf({ ...asRecord(options), id }));
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
