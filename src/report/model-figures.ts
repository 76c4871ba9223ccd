import type { GroupKey, GroupModel, GroupRow, GroupStudent, ModelRole, Report } from './types.js';

/** A student's closure of the base-teacher gap in one group (the report's GroupStudent without its name). */
export type StudentFigures = Omit<GroupStudent, 'model'>;

/**
 * One model's figures in one group of scenarios: cooperation, parse quality, distances and
 * profile correlation to the teacher, label bias, and for a student its gap closure. The one
 * per-model type the end-of-eval summary, the report's tables, the verdict and the gate render
 * from, so none of them can compute a number of its own. The report JSON keeps its published
 * shape (GroupRow's `models` and `students`); these are the same objects' numbers joined per model.
 */
export type ModelFigures = Omit<GroupModel, 'model'> & {
  model: string;
  role: ModelRole;
  /** The role the data gave the model (e.g. 'fine-tuned'), if any. */
  dataRole: string | null;
  /** Where the numbers come from, e.g. 'replayed' or 'recorded counts'. */
  sourceLabel: string;
  /** The group's label (`overall`, `split=in-sample`, ...) and key. */
  group: string;
  key: GroupKey;
  /** Students only: their closure of the base-teacher gap; null for base and teacher. */
  student: StudentFigures | null;
};

/** Every model's figures in every group of the report, in the report's group and model order. */
export function modelFigures(report: Report): ModelFigures[] {
  return report.groups.flatMap((g) => groupFigures(report, g));
}

/** The figures of each of the report's models in one group. */
export function groupFigures(report: Report, group: GroupRow): ModelFigures[] {
  return report.models.flatMap((m) => {
    const row = group.models.find((x) => x.model === m.label);
    if (!row) return [];
    const s = group.students.find((x) => x.model === m.label);
    const { model, ...figures } = row;
    return [
      {
        ...figures,
        model,
        role: m.role,
        dataRole: m.dataRole,
        sourceLabel: m.sourceLabel,
        group: group.label,
        key: group.key,
        student: s ? closureOf(s) : null,
      },
    ];
  });
}

function closureOf({ model: _named, ...closure }: GroupStudent): StudentFigures {
  return closure;
}
