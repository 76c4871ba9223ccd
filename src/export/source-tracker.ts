import type { ConversionSummary } from '../recordings/convert/promptfoo-results.js';
import type { SampleRecord } from '../recordings/types.js';
import type { SourceSummary } from './manifest.js';

/** Provenance fields that identify where a batch of samples came from (not per-sample details). */
const KEY_FIELDS = [
  'source',
  'origin',
  'evalId',
  'configHash',
  'promptfooVersion',
  'modelId',
  'mode',
  'recording',
] as const;
const MAX_LISTED = 100;

/** Collects, in bounded memory, which models and which runs the input held, for the manifest. */
export class SourceTracker {
  private readonly models = new Map<
    string,
    { model: string; role: string | null; samples: number; selected: boolean }
  >();
  private readonly provenance = new Map<string, { key: Record<string, unknown>; samples: number }>();
  private readonly notListed = new Set<string>();

  see(sample: SampleRecord, selected: boolean): void {
    const modelKey = `${sample.model}\u0000${sample.role ?? ''}`;
    const model = this.models.get(modelKey) ?? { model: sample.model, role: sample.role, samples: 0, selected };
    model.samples++;
    this.models.set(modelKey, model);
    if (!selected) return;
    const key: Record<string, unknown> = {};
    for (const field of KEY_FIELDS) {
      const value = sample.provenance[field];
      if (value !== undefined && value !== null) key[field] = value;
    }
    const id = JSON.stringify(key);
    const entry = this.provenance.get(id);
    if (entry) entry.samples++;
    else if (this.provenance.size < MAX_LISTED) this.provenance.set(id, { key, samples: 1 });
    // Beyond the listed entries only distinct ids are counted, capped so memory stays bounded.
    else if (this.notListed.size < 10_000) this.notListed.add(id);
  }

  summary(origin: string, kind: SourceSummary['kind'], conversion?: ConversionSummary): SourceSummary {
    return {
      origin,
      kind,
      provenance: [...this.provenance.values()],
      provenanceNotListed: this.notListed.size,
      models: [...this.models.values()],
      ...(conversion
        ? {
            promptfoo: {
              run: conversion.run,
              rows: conversion.rows,
              providerErrors: conversion.providerErrors,
              missingSamples: conversion.missingSamples,
              distributionRows: conversion.distributionRows,
            },
          }
        : {}),
    };
  }

  /** Models seen, for the error when the selector matched nothing. */
  modelList(): string {
    return [...this.models.values()].map((m) => `${m.model} (role ${m.role ?? 'none'})`).join(', ') || 'none';
  }
}
