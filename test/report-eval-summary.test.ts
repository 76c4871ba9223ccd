import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { readCountsTable } from '../src/recordings/counts-table.js';
import { summariseForEval } from '../src/report/eval-summary.js';

const catalogue = defaultCatalogue();
const tallies = readCountsTable('datasets/recordings/lfb-counts.csv', catalogue);

describe('summariseForEval', () => {
  const summary = summariseForEval(tallies, catalogue, { resamples: 200, seed: 'summary' });

  it("gives per split the paper's metric as published beside pooled gap closure with its interval", () => {
    expect(summary.error).toBeUndefined();
    expect(summary.splits.map((s) => s.split)).toEqual(['in-sample', 'oos-context']);
    const [inSample, oos] = summary.splits;
    expect(inSample!.students).toHaveLength(1);
    const s = inSample!.students[0]!.student;
    expect(inSample!.students[0]!.model).toBe('llama2-7b-chat-lfb-lora');
    expect(s.paperImprovement.value!.toFixed(2)).toBe('46.65');
    expect(s.paperImprovement.asPublished.value!.toFixed(2)).toBe('46.26');
    expect(s.paperImprovement).toMatchObject({ used: 20 });
    expect(s.scenarios).toBe(20);
    expect(s.pooledGapClosure.value!.toFixed(1)).toBe('35.0');
    expect(s.pooledGapClosure.low!).toBeLessThan(s.pooledGapClosure.value!);
    expect(oos!.students[0]!.student.paperImprovement.value!.toFixed(2)).toBe('18.26');
    expect(oos!.students[0]!.student.paperImprovement.asPublished.value!.toFixed(2)).toBe('17.90');
  });

  it('gives each model its cooperation pooled over all valid answers, not a mean over scenarios', () => {
    const teacher = summary.models.find((m) => m.role === 'teacher')!;
    expect(teacher).toMatchObject({
      model: 'llama2-70b-chat',
      dataRole: 'teacher',
      sourceLabel: 'recorded counts',
      failures: null,
    });
    const own = tallies.filter((t) => t.model === teacher.model);
    const cooperative = own.reduce((a, t) => a + t.counts.C!, 0);
    const valid = own.reduce((a, t) => a + t.counts.C! + t.counts.D!, 0);
    expect(teacher.valid).toBe(valid);
    expect(teacher.cooperation!.value).toBeCloseTo(cooperative / valid, 12);
    expect(summary.models.map((m) => m.role)).toEqual(['base', 'student', 'teacher']);
  });

  it('returns the model-selection problem as an error instead of throwing', () => {
    const twoTeachers = tallies.map((t) => (t.role === 'fine-tuned' ? { ...t, role: 'teacher' } : t));
    const out = summariseForEval(twoTeachers, catalogue);
    expect(out.models).toEqual([]);
    expect(out.splits).toEqual([]);
    expect(out.error).toMatch(/several models have role "teacher"/);
  });
});
