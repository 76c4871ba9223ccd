import { join } from 'node:path';
import { type AtomicFile, syncDirectory, writeFileAtomic } from '../shared/files/atomic-file.js';
import type { ExportOptions } from './export-options.js';
import type { DataFile, ExportFormat } from './formats/format.js';
import { EXPORT_MANIFEST_SCHEMA, type ExportManifest, type ManifestFile } from './manifest.js';
import type { ScenarioCounts, SourceSummary } from './manifest.js';
import type { ProtocolRecord } from './protocol-check.js';
import type { SplitName } from './split.js';
import type { StagedExport } from './staged-export.js';
import type { TokenizerId } from './token-count.js';

/**
 * One format's open data files in the staging directory, by split, and the examples it dropped
 * for being over --max-tokens (counted by its own tokenizer, so formats can differ there).
 */
export type FormatOutput = {
  format: ExportFormat;
  dir: string;
  files: Map<SplitName, AtomicFile>;
  /** The tokenizer counting this format's examples; null without --max-tokens. */
  tokenizer: TokenizerId | null;
  tooLong: Map<string, Pick<ScenarioCounts, 'train' | 'validation'>>;
};

export type CommitContext = {
  options: ExportOptions;
  split: ExportManifest['split'];
  counts: Map<string, ScenarioCounts>;
  totals: ExportManifest['totals'];
  source: SourceSummary;
  heldOut: ExportManifest['heldOut'];
  /** Warnings found before writing (e.g. scenarios --balance-labels could not balance fully). */
  notes?: string[];
  protocol: ProtocolRecord;
  stage: StagedExport;
};

/**
 * One format's counts per scenario: the filter's, less the examples this format dropped as too
 * long (moved from kept and their split to `dropped['too-long']`), so read = held out + dropped +
 * deduped + capped + kept still holds for every format.
 */
export function countsOf(shared: Map<string, ScenarioCounts>, output: FormatOutput): Map<string, ScenarioCounts> {
  if (output.tooLong.size === 0) return shared;
  return new Map(
    [...shared].map(([id, c]) => {
      const long = output.tooLong.get(id);
      if (!long) return [id, c];
      const n = long.train + long.validation;
      const dropped = { ...c.dropped, 'too-long': (c.dropped['too-long'] ?? 0) + n };
      const split = { train: c.train - long.train, validation: c.validation - long.validation };
      return [id, { ...c, dropped, kept: c.kept - n, ...split }];
    }),
  );
}

const EMPTY_VALIDATION =
  'the validation split is empty (too few examples for the requested share); no validation.jsonl was written';

/** Finishes one format's files in the staging directory: data files, side files and, last, its manifest. */
export function commitOutput(output: FormatOutput, ctx: CommitContext): ExportManifest {
  const warnings: string[] = [...(ctx.notes ?? [])];
  const files: ManifestFile[] = [];
  const dataFiles: DataFile[] = [];
  const { stage } = ctx;
  for (const [split, file] of output.files) {
    if (file.lines === 0 && split === 'validation') {
      file.discard();
      warnings.push(EMPTY_VALIDATION);
      continue;
    }
    stage.step({ kind: 'write', path: file.path });
    const written = file.commit();
    const name = split === 'train' ? 'train.jsonl' : 'validation.jsonl';
    files.push({ name, split, lines: written.lines, bytes: written.bytes, sha256: written.sha256 });
    dataFiles.push({ split, name });
  }
  for (const side of output.format.files({ name: ctx.options.name, dataFiles })) {
    const path = join(output.dir, side.name);
    stage.step({ kind: 'write', path });
    const written = writeFileAtomic(path, side.content);
    files.push({ name: side.name, split: null, lines: written.lines, bytes: written.bytes, sha256: written.sha256 });
  }
  if (ctx.protocol.unrecorded > 0) {
    const { unrecorded, exported } = ctx.protocol;
    const said = `${unrecorded} sample(s) did not record the protocol they were collected under`;
    warnings.push(`${said}; they were assumed to be ${exported}`);
  }
  const { options } = ctx;
  const maxTokens = options.maxTokens ?? null;
  const manifest: ExportManifest = {
    schema: EXPORT_MANIFEST_SCHEMA,
    format: output.format.id,
    describe: output.format.describe,
    protocol: options.protocol.id,
    catalogue: catalogueVersion(options.catalogue, [...ctx.counts.keys()]),
    protocolCheck: ctx.protocol,
    source: ctx.source,
    options: {
      selector: options.selector,
      target: options.target,
      keepUnparseable: options.keepUnparseable,
      dedupe: options.dedupe,
      cap: options.cap,
      validation: options.validation,
      seed: options.seed,
      holdout: { contexts: [...options.holdout.contexts], games: [...options.holdout.games] },
      name: options.name,
      ...(options.balanceLabels ? { balanceLabels: true } : {}),
      maxTokens,
      tokenizer: output.tokenizer,
    },
    split: ctx.split,
    heldOut: ctx.heldOut,
    totals: ctx.totals,
    scenarios: Object.fromEntries(ctx.counts),
    files,
    warnings,
  };
  const path = join(output.dir, 'manifest.json');
  stage.step({ kind: 'write', path });
  writeFileAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`);
  syncDirectory(output.dir);
  return manifest;
}

/** Examples of label variants or grid points are also made from labels.yaml and grids.yaml. */
function catalogueVersion(catalogue: ExportOptions['catalogue'], scenarios: readonly string[]): string {
  const probes = scenarios.some((id) => id.includes('~') || id.includes('/grid:'));
  return probes ? `${catalogue.version}+${catalogue.probesVersion}` : catalogue.version;
}
