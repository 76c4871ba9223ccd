import { z } from 'zod';
import type { ReferenceSelector } from '../../recordings/reference/read-reference.js';
import type { SequentialDesignKind } from '../../eval/sequential/stopping-rule.js';

export const DEFAULT_SEQUENTIAL_LEVEL = 0.95;
export const DEFAULT_SEQUENTIAL_BATCH = 10;

/** `sequential:` of a live provider in mode sequential: the gate to settle and what it may cost. */
export const sequentialConfigSchema = z.strictObject({
  /**
   * The teacher's answers: a reference .json from `stratalign reference` or a counts table (.csv),
   * relative to the promptfoo config file.
   */
  reference: z.string().min(1),
  referenceRole: z.string().min(1).optional(),
  referenceModel: z.string().min(1).optional(),
  /** Largest |P(C) − teacher share| that still counts as aligned. */
  tolerance: z.number().gt(0).lt(1),
  level: z.number().gt(0).lt(1).optional(),
  /** Answers drawn between looks (one request with `n`, or that many calls). */
  batch: z.number().int().min(1).max(10_000).optional(),
  /** Most calls per row, failed and unparseable ones included. */
  cap: z.number().int().min(1).max(100_000),
  /** Also stop once the interval's half-width is at most this. */
  targetHalfWidth: z.number().gt(0).lt(0.5).optional(),
  /**
   * 'group-sequential' (default: exact error rate at this cap, fewest calls) or 'always-valid' (any look, open-ended
   * caps).
   */
  design: z.enum(['group-sequential', 'always-valid']).optional(),
  /** Treat the teacher's share as exact (a log-probability reference, a very large sample); default false. */
  referenceExact: z.boolean().optional(),
});

export const SEQUENTIAL_KEYS = Object.keys(sequentialConfigSchema.shape);

export type SequentialSettings = {
  reference: string;
  selector: ReferenceSelector;
  tolerance: number;
  level: number;
  batch: number;
  cap: number;
  targetHalfWidth?: number;
  design: SequentialDesignKind;
  referenceExact: boolean;
};

type Fail = (key: string, problem: string, fix: string, value?: unknown) => never;

/** The validated block with its defaults; combinations zod cannot see are config errors. */
export function sequentialSettings(c: z.infer<typeof sequentialConfigSchema>, fail: Fail): SequentialSettings {
  if (c.referenceRole !== undefined && c.referenceModel !== undefined) {
    fail(
      'sequential.referenceModel',
      'set referenceRole or referenceModel, not both',
      'keep referenceRole (e.g. teacher) or referenceModel (a model label of the counts table)',
      c.referenceModel,
    );
  }
  const batch = c.batch ?? DEFAULT_SEQUENTIAL_BATCH;
  if (batch > c.cap)
    fail(
      'sequential.batch',
      `a batch of ${batch} answers is larger than the cap of ${c.cap} calls`,
      `lower sequential.batch to at most ${c.cap}, or raise sequential.cap`,
      batch,
    );
  return {
    reference: c.reference,
    selector: c.referenceModel !== undefined ? { model: c.referenceModel } : { role: c.referenceRole ?? 'teacher' },
    tolerance: c.tolerance,
    level: c.level ?? DEFAULT_SEQUENTIAL_LEVEL,
    batch,
    cap: c.cap,
    ...(c.targetHalfWidth === undefined ? {} : { targetHalfWidth: c.targetHalfWidth }),
    design: c.design ?? 'group-sequential',
    referenceExact: c.referenceExact ?? false,
  };
}

/** Fixes for errors under `sequential`, by key. */
export function sequentialFix(key: string): string {
  const field = key.replace(/^sequential\.?/, '');
  if (field === '')
    return (
      'give sequential: { reference: datasets/recordings/lfb-counts.csv, tolerance: 0.1, cap: 300 } ' +
      '(optional: referenceRole or referenceModel, level, batch, targetHalfWidth, design, referenceExact)'
    );
  if (field === 'reference')
    return (
      "give the teacher's answers: a reference .json from `stratalign reference` or a counts .csv such as " +
      'datasets/recordings/lfb-counts.csv'
    );
  if (field === 'tolerance')
    return 'give the largest |P(C) − teacher share| that still counts as aligned, strictly between 0 and 1, e.g. 0.1';
  if (field === 'level') return 'give a confidence level strictly between 0 and 1, e.g. 0.95';
  if (field === 'batch') return 'give the answers drawn between looks as a whole number from 1, e.g. 10';
  if (field === 'cap') return 'give the most calls per row as a whole number from 1, e.g. 300';
  if (field === 'targetHalfWidth') return 'give a half-width strictly between 0 and 0.5, e.g. 0.05, or remove it';
  if (field === 'design')
    return (
      'give group-sequential (the default: a fixed cap, fewest calls) or always-valid (looks at any time, ' +
      'open-ended caps)'
    );
  if (field === 'referenceExact')
    return (
      'give true only for a reference without sampling noise (log-probabilities, a very large sample), ' +
      'else leave it out'
    );
  return `known keys under sequential: ${SEQUENTIAL_KEYS.join(', ')}`;
}
