import { existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { AtomicFile, syncDirectory, writeFileAtomic } from './atomic-file.js';
import type { ExportOptions } from './export-datasets.js';
import type { DataFile, ExportFormat } from './formats/format.js';
import { EXPORT_MANIFEST_SCHEMA, type ExportManifest, type ManifestFile, type SourceSummary } from './manifest.js';
import type { SplitName } from './split.js';

/** One format's open data files, by split. */
export type FormatOutput = { format: ExportFormat; dir: string; files: Map<SplitName, AtomicFile> };

export type CommitContext = {
  options: ExportOptions;
  split: ExportManifest['split'];
  counts: Map<string, ExportManifest['scenarios'][string]>;
  totals: ExportManifest['totals'];
  source: SourceSummary;
  heldOut: ExportManifest['heldOut'];
  /** Warnings found before writing (e.g. scenarios --balance-labels could not balance fully). */
  notes?: string[];
};

/** Renames one format's data files into place, then writes its side files and, last, its manifest. */
export function commitOutput(output: FormatOutput, ctx: CommitContext): ExportManifest {
  const warnings: string[] = [...(ctx.notes ?? [])];
  const files: ManifestFile[] = [];
  const dataFiles: DataFile[] = [];
  for (const [split, file] of output.files) {
    if (file.lines === 0 && split === 'validation') {
      file.discard();
      removeStale(file.path);
      warnings.push('the validation split is empty (too few examples for the requested share); no validation.jsonl was written');
      continue;
    }
    const written = file.commit();
    const name = split === 'train' ? 'train.jsonl' : 'validation.jsonl';
    files.push({ name, split, lines: written.lines, bytes: written.bytes, sha256: written.sha256 });
    dataFiles.push({ split, name });
  }
  if (!output.files.has('validation')) removeStale(join(output.dir, 'validation.jsonl'));
  for (const side of output.format.files({ name: ctx.options.name, dataFiles })) {
    const written = writeFileAtomic(join(output.dir, side.name), side.content);
    files.push({ name: side.name, split: null, lines: written.lines, bytes: written.bytes, sha256: written.sha256 });
  }
  const { options } = ctx;
  const manifest: ExportManifest = {
    schema: EXPORT_MANIFEST_SCHEMA,
    format: output.format.id,
    describe: output.format.describe,
    protocol: options.protocol.id,
    catalogue: catalogueVersion(options.catalogue, [...ctx.counts.keys()]),
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
    },
    split: ctx.split,
    heldOut: ctx.heldOut,
    totals: ctx.totals,
    scenarios: Object.fromEntries(ctx.counts),
    files,
    warnings,
  };
  writeFileAtomic(join(output.dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  syncDirectory(output.dir);
  return manifest;
}

/** Examples of label variants or grid points are also made from labels.yaml and grids.yaml. */
function catalogueVersion(catalogue: ExportOptions['catalogue'], scenarios: readonly string[]): string {
  const probes = scenarios.some((id) => id.includes('~') || id.includes('/grid:'));
  return probes ? `${catalogue.version}+${catalogue.probesVersion}` : catalogue.version;
}

/** A validation.jsonl left by an earlier export into the same directory would pair with the new train.jsonl. */
function removeStale(path: string): void {
  if (existsSync(path)) unlinkSync(path);
}
