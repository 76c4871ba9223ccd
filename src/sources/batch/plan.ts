import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Catalogue } from '../../catalogue/catalogue.js';
import { sha256Hex } from '../../recordings/convert/canonical-json.js';
import { StratalignError } from '../../shared/errors.js';
import { renderPrompt, type RenderedPrompt } from '../../catalogue/prompts/render.js';
import { resolveScenario, type Scenario } from '../../catalogue/scenarios/scenario.js';
import { validateFile } from '../../shared/validation.js';
import { apiKeyEnvName } from '../live/api-key.js';
import { customIdFor } from './custom-id.js';

export const PLAN_SCHEMA = 'stratalign.batch-plan/v1';
export const PLAN_FILE = 'plan.json';

export const planSchema = z.strictObject({
  schema: z.literal(PLAN_SCHEMA),
  provider: z.enum(['openai', 'anthropic']),
  /** Model id sent to the API. */
  model: z.string().min(1),
  /** Model label written to the recording (defaults to the model id). */
  label: z.string().min(1),
  role: z.string().min(1).nullable(),
  protocol: z.string().min(1),
  /** Catalogue version the prompts are rendered from; a different catalogue would change them. */
  catalogue: z.string().min(1),
  baseUrl: z.url({ protocol: /^https?$/ }),
  apiKeyEnv: apiKeyEnvName.nullable(),
  sampling: z.strictObject({
    temperature: z.number().min(0).max(2).optional(),
    top_p: z.number().gt(0).max(1).optional(),
    max_tokens: z.number().int().min(1).optional(),
    seed: z.number().int().optional(),
  }),
  samplesPerScenario: z.number().int().min(1).max(1_000_000),
  /** Smaller batches than the API allows (--max-requests, --max-bytes): kept for the whole collection. */
  batchLimits: z
    .strictObject({ maxRequests: z.number().int().min(1).optional(), maxBytes: z.number().int().min(1).optional() })
    .optional(),
  scenarios: z.array(z.strictObject({ id: z.string().min(1), split: z.string().min(1) })).min(1),
  createdAt: z.string().min(1),
});

export type CollectionPlan = z.infer<typeof planSchema>;

/** One requested answer: a scenario, which of its samples, and the rendered prompt. */
export type RequestItem = {
  customId: string;
  scenario: Scenario;
  split: string;
  sampleIndex: number;
  prompt: RenderedPrompt;
};

export type LoadedPlan = {
  plan: CollectionPlan;
  hash: string;
  items: RequestItem[];
  byCustomId: Map<string, RequestItem>;
};

/** Every requested answer of a plan, scenarios in plan order, samples in index order. */
export function planItems(plan: CollectionPlan, catalogue: Catalogue, file = PLAN_FILE): RequestItem[] {
  const protocol = catalogue.protocol(plan.protocol, { file, field: 'protocol' });
  const items: RequestItem[] = [];
  plan.scenarios.forEach(({ id, split }, i) => {
    const scenario = resolveScenario(catalogue, id, { file, field: `scenarios[${i}].id` });
    const prompt = renderPrompt(scenario, protocol);
    for (let s = 0; s < plan.samplesPerScenario; s++)
      items.push({ customId: customIdFor(scenario.id, s), scenario, split, sampleIndex: s, prompt });
  });
  return items;
}

/** custom_id → item; two items with one id would make results ambiguous, so that is an error. */
export function indexItems(items: readonly RequestItem[], file = PLAN_FILE): Map<string, RequestItem> {
  const index = new Map<string, RequestItem>();
  for (const item of items) {
    const other = index.get(item.customId);
    if (other) {
      throw new StratalignError(
        { file, field: 'scenarios', value: item.scenario.id },
        `scenario ${other.scenario.id} and ${item.scenario.id} map to the same custom_id ${item.customId}`,
        'list each scenario once',
      );
    }
    index.set(item.customId, item);
  }
  return index;
}

export function serializePlan(plan: CollectionPlan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

/** Reads `<dir>/plan.json`, checks it against the catalogue it was made with and expands its items. */
export function loadPlan(dir: string, catalogue: Catalogue): LoadedPlan {
  const file = join(dir, PLAN_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new StratalignError(
      { file },
      code === 'ENOENT' ? 'no collection plan here' : `cannot read the plan (${code ?? 'error'})`,
      'run `stratalign batch plan` (or `run` with plan options) for this --dir first',
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new StratalignError(
      { file },
      'the plan is not valid JSON',
      'restore plan.json; it is written once by `stratalign batch plan` and must not be edited',
    );
  }
  const plan = validateFile(
    planSchema,
    data,
    file,
    'restore plan.json; it is written once by `stratalign batch plan` and must not be edited',
  );
  if (plan.catalogue !== catalogue.version) {
    throw new StratalignError(
      { file, field: 'catalogue', value: plan.catalogue },
      `the plan was rendered from catalogue ${plan.catalogue}, but the installed catalogue is ` +
        `${catalogue.version}: prompts would differ between batches`,
      'finish the collection with the catalogue it started with, or start a new collection in a new --dir',
    );
  }
  const items = planItems(plan, catalogue, file);
  return { plan, hash: sha256Hex(text), items, byCustomId: indexItems(items, file) };
}
