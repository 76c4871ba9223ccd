import type { ReferenceSelector } from '../../recordings/reference/read-reference.js';

/** An assertion of a promptfoo config, as far as finding the alignment reference needs. */
export type AssertionLike = {
  value?: unknown;
  config?: { reference?: unknown; referenceRole?: unknown; referenceModel?: unknown };
};

const ALIGNMENT_ASSERTION = /assertions\/alignment\.ts:alignment$/;

/**
 * The reference the alignment assertion scores against, from the config's assertions; the first
 * alignment assertion with a reference wins, and several different ones are reported, not merged.
 */
export function alignmentReference(
  asserts: readonly AssertionLike[],
): { file: string; selector: ReferenceSelector; others: number } | null {
  const found = asserts.filter(
    (a) => typeof a.value === 'string' && ALIGNMENT_ASSERTION.test(a.value) && typeof a.config?.reference === 'string',
  );
  const first = found[0];
  if (!first) return null;
  const c = first.config!;
  const selector: ReferenceSelector =
    typeof c.referenceModel === 'string'
      ? { model: c.referenceModel }
      : { role: typeof c.referenceRole === 'string' ? c.referenceRole : 'teacher' };
  const others =
    new Set(found.map((a) => JSON.stringify([a.config!.reference, a.config!.referenceRole, a.config!.referenceModel])))
      .size - 1;
  return { file: c.reference as string, selector, others };
}
