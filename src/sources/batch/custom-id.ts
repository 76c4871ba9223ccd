import { createHash } from 'node:crypto';
import { CUSTOM_ID_PATTERN } from './limits.js';

/**
 * The custom_id of one requested answer: `<context>_<game>[_x<scale>]_<sample index>`, e.g.
 * `business_prisoners-dilemma_x2_17`. Catalogue ids are lower-case words joined by hyphens, so
 * `_` separates the parts unambiguously and a person can read the id in an API dashboard.
 * A scenario whose readable id would break the APIs' rule (over 64 characters) gets a hashed
 * one instead. Either way the plan maps each id back to its scenario and sample
 * (see `indexItems`), so nothing depends on parsing ids.
 */
export function customIdFor(scenarioId: string, sampleIndex: number): string {
  if (!Number.isInteger(sampleIndex) || sampleIndex < 0) throw new Error(`bug: sample index ${sampleIndex}`);
  const readable = `${readableScenario(scenarioId)}_${sampleIndex}`;
  if (CUSTOM_ID_PATTERN.test(readable)) return readable;
  return `h${createHash('sha256').update(scenarioId).digest('hex').slice(0, 16)}_${sampleIndex}`;
}

function readableScenario(scenarioId: string): string {
  const [cell = '', scale] = scenarioId.split('@');
  return [...cell.split('/'), ...(scale ? [scale.replace('.', 'p')] : [])].join('_');
}
