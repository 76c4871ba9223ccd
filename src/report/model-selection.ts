import { StratalignError } from '../shared/errors.js';
import type { Tally } from '../recordings/types.js';

/** Models picked by label; anything left out is picked by the role the data gives it. */
export type ModelChoice = { base?: string; students?: readonly string[]; teacher?: string };

export type SelectedModels = { base: string; students: string[]; teacher: string; ignored: string[] };

/** Data roles used when no label is given. */
export const DEFAULT_ROLES = { base: 'base', student: 'fine-tuned', teacher: 'teacher' } as const;

const FLAG = { base: '--base', student: '--student', teacher: '--teacher' } as const;

/**
 * Resolves base, students and teacher among the models of the data. A role that matches several
 * models is an error for base and teacher (which one would be a guess) but not for students, so
 * several fine-tuned versions can be compared in one report.
 */
export function selectModels(tallies: readonly Tally[], choice: ModelChoice, origin: string): SelectedModels {
  const models = new Map<string, string | null>();
  for (const t of tallies) if (!models.has(t.model)) models.set(t.model, t.role);
  const known = () => [...models].map(([m, r]) => `${m} (${r ?? 'no role'})`).join(', ') || 'none';

  const byLabel = (label: string, kind: keyof typeof FLAG): string => {
    if (models.has(label)) return label;
    throw new StratalignError(
      { file: origin, field: FLAG[kind], value: label },
      'no answers of this model in the data',
      `choose one of: ${known()}`,
    );
  };
  const byRole = (kind: keyof typeof FLAG): string[] => {
    const role = DEFAULT_ROLES[kind];
    const found = [...models].filter(([, r]) => r === role).map(([m]) => m);
    if (found.length === 0) {
      throw new StratalignError(
        { file: origin, field: 'role', value: role },
        `no model has role "${role}"`,
        `name the ${kind} with ${FLAG[kind]} <label>; models in the data: ${known()}`,
      );
    }
    if (kind !== 'student' && found.length > 1) {
      throw new StratalignError(
        { file: origin, field: 'role', value: found },
        `several models have role "${role}"`,
        `name the ${kind} with ${FLAG[kind]} <label>`,
      );
    }
    return found;
  };

  const base = choice.base !== undefined ? byLabel(choice.base, 'base') : byRole('base')[0]!;
  const teacher = choice.teacher !== undefined ? byLabel(choice.teacher, 'teacher') : byRole('teacher')[0]!;
  const students = choice.students?.length
    ? [...new Set(choice.students.map((s) => byLabel(s, 'student')))]
    : byRole('student');
  const all = [base, teacher, ...students];
  if (new Set(all).size !== all.length) {
    throw new StratalignError(
      { file: origin, value: { base, students, teacher } },
      'the same model is chosen for two roles',
      'give base, student(s) and teacher distinct labels with --base, --student and --teacher',
    );
  }
  return { base, students, teacher, ignored: [...models.keys()].filter((m) => !all.includes(m)) };
}
