// promptfoo afterAll hook: prints per-model alignment and the paper's improvement metric per split.
import { defaultCatalogue } from '../src/catalogue/index.js';
import { isStratalignError } from '../src/errors.js';
import { cachedReference } from '../src/reference/reference-cache.js';
import type { Reference } from '../src/reference/reference.js';
import { improvementBySplit, summariseModels } from '../src/summary/model-summary.js';
import { renderSummary } from '../src/summary/render-summary.js';
import { tallyOutputs, type OutputRow } from '../src/summary/tally-outputs.js';

type ResultRow = {
  provider?: { id?: string; label?: string };
  vars?: Record<string, unknown>;
  response?: { output?: unknown; metadata?: { stratalign?: { role?: string | null } } };
  error?: string | null;
  failureReason?: number;
};
type Assertion = { value?: unknown; config?: { reference?: string; referenceRole?: string; referenceModel?: string } };
type HookContext = {
  suite?: { defaultTest?: { assert?: Assertion[] }; tests?: { assert?: Assertion[] }[] };
  results?: ResultRow[];
  prompts?: { provider: string; metrics?: { namedScores?: Record<string, number> } }[];
};

export async function afterAll(context: HookContext): Promise<void> {
  const catalogue = defaultCatalogue();
  const rows: OutputRow[] = (context.results ?? []).map((r) => ({
    model: r.provider?.label ?? r.provider?.id ?? 'unknown',
    role: r.response?.metadata?.stratalign?.role ?? null,
    scenario: typeof r.vars?.scenario === 'string' ? r.vars.scenario : undefined,
    split: typeof r.vars?.split === 'string' ? r.vars.split : undefined,
    output: r.failureReason === 2 || typeof r.response?.output !== 'string' ? undefined : r.response.output,
    error: r.error ?? undefined,
  }));
  const { tallies, lost } = tallyOutputs(rows, catalogue);
  const reference = findReference(context);
  const models = summariseModels(tallies, reference, catalogue);
  const improvements = improvementBySplit(tallies, catalogue);
  process.stdout.write(renderSummary(models, improvements, lost, reference ? `${reference.model} from ${reference.source.origin}` : null));

  // Shown as chips in the viewer next to promptfoo's own metrics, one set per column.
  for (const prompt of context.prompts ?? []) {
    const m = models.find((x) => x.model === prompt.provider);
    const named = prompt.metrics?.namedScores;
    if (!m || !named) continue;
    if (m.role === 'fine-tuned') for (const s of improvements) if (s.paper !== null) named[`paper_improvement_${s.split}`] = Number(s.paper.toFixed(2));
  }

  const lostAny = [...lost.values()].some((l) => l.providerErrors + l.missingSamples + l.invalidOutputs > 0);
  if (lostAny) {
    process.stderr.write('stratalign: answers were lost to provider errors or missing samples (see above); failing the run.\n');
    process.exitCode = 1;
  }
}

function findReference(context: HookContext): Reference | null {
  const asserts = [...(context.suite?.defaultTest?.assert ?? []), ...(context.suite?.tests ?? []).flatMap((t) => t.assert ?? [])];
  const config = asserts.find((a) => typeof a.value === 'string' && a.value.includes('alignment') && a.config?.reference)?.config;
  if (!config?.reference) return null;
  try {
    const selector = config.referenceModel ? { model: config.referenceModel } : { role: config.referenceRole ?? 'teacher' };
    return cachedReference(config.reference, selector, defaultCatalogue());
  } catch (err) {
    if (isStratalignError(err)) {
      process.stderr.write(`stratalign summary: ${err.message}\n`);
      return null;
    }
    throw err;
  }
}
