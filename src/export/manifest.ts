import type { ProtocolRecord } from './protocol-check.js';
import type { SplitPlan } from './split.js';

export const EXPORT_MANIFEST_SCHEMA = 'stratalign.export-manifest/v1';

/**
 * Why a selected sample did not become an example: 'no-text' (counts-only), its parse failure
 * kind, 'no-motivation' (an answer with nothing after the choice, unless --target action) or
 * 'too-long' (over --max-tokens for this format's tokenizer).
 */
export type DropReason = string;

/**
 * What happened to one scenario's samples. Always: read = heldOut + dropped + deduped + capped +
 * kept, and kept = train + validation.
 */
export type ScenarioCounts = {
  split: string;
  read: number;
  heldOut: number;
  dropped: Record<DropReason, number>;
  deduped: number;
  capped: number;
  kept: number;
  train: number;
  validation: number;
};

export type ManifestFile = {
  name: string;
  split: 'train' | 'validation' | null;
  lines: number;
  bytes: number;
  sha256: string;
};

export type ExportOptionsRecord = {
  selector: { role?: string; model?: string };
  target: string;
  keepUnparseable: boolean;
  dedupe: boolean;
  cap: number | null;
  validation: number;
  seed: string | number;
  holdout: { contexts: string[]; games: string[] };
  name: string;
  /** Present (true) when every label variant of a scenario was cut to the same number of examples. */
  balanceLabels?: boolean;
  /** --max-tokens, and the tokenizer this format's examples were counted with; null without a limit. */
  maxTokens?: number | null;
  tokenizer?: string | null;
};

export type SourceSummary = {
  origin: string;
  kind: 'recording' | 'promptfoo-results';
  /** Distinct provenance of the exported samples (source, run, model), with sample counts. */
  provenance: { key: Record<string, unknown>; samples: number }[];
  /** Further distinct provenance entries not listed, when there are very many. */
  provenanceNotListed: number;
  /** Every (model, role) seen in the input, selected or not. */
  models: { model: string; role: string | null; samples: number; selected: boolean }[];
  /** For promptfoo results: run provenance and what the rows held besides samples. */
  promptfoo?: {
    run: Record<string, unknown> | null;
    rows: number;
    providerErrors: number;
    missingSamples: number;
    distributionRows: number;
  };
};

export type ExportManifest = {
  schema: typeof EXPORT_MANIFEST_SCHEMA;
  format: string;
  describe: string;
  protocol: string;
  /** How many exported samples recorded their protocol (all equal to `protocol`) and how many did not. */
  protocolCheck?: ProtocolRecord;
  catalogue: string;
  source: SourceSummary;
  options: ExportOptionsRecord;
  split: SplitPlan;
  heldOut: { contexts: string[]; games: string[]; scenarios: string[] };
  totals: Omit<ScenarioCounts, 'split'> & { notSelected: number };
  scenarios: Record<string, ScenarioCounts>;
  files: ManifestFile[];
  warnings: string[];
};

export function emptyCounts(split: string): ScenarioCounts {
  return { split, read: 0, heldOut: 0, dropped: {}, deduped: 0, capped: 0, kept: 0, train: 0, validation: 0 };
}

/** Sums per-scenario counts into the manifest totals. */
export function totalCounts(scenarios: Iterable<ScenarioCounts>, notSelected: number): ExportManifest['totals'] {
  const total: ExportManifest['totals'] = {
    read: 0,
    heldOut: 0,
    dropped: {},
    deduped: 0,
    capped: 0,
    kept: 0,
    train: 0,
    validation: 0,
    notSelected,
  };
  for (const c of scenarios) {
    total.read += c.read;
    total.heldOut += c.heldOut;
    total.deduped += c.deduped;
    total.capped += c.capped;
    total.kept += c.kept;
    total.train += c.train;
    total.validation += c.validation;
    for (const [reason, n] of Object.entries(c.dropped)) total.dropped[reason] = (total.dropped[reason] ?? 0) + n;
  }
  return total;
}
