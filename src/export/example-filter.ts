import type { Catalogue, Protocol } from '../catalogue/catalogue.js';
import { displayedSpace, labelOfAction } from '../catalogue/games/label-variant.js';
import { isStructuredProtocol } from '../catalogue/structured/answer-schema.js';
import { readStructuredAnswer } from '../answers/parsing/read-structured.js';
import { renderPrompt, type RenderedPrompt } from '../catalogue/prompts/render.js';
import type { SampleRecord } from '../recordings/types.js';
import { resolveScenario, type Scenario } from '../catalogue/scenarios/scenario.js';
import { Deduper } from './dedupe.js';
import { motivationOf, structuredTarget, targetOf, type Example, type TargetStyle } from './example.js';
import { emptyCounts, type ScenarioCounts } from './manifest.js';
import { StratifiedSplitter, type SplitName, type SplitPlan } from './split.js';

export type FilterOptions = {
  catalogue: Catalogue;
  protocol: Protocol;
  target: TargetStyle;
  keepUnparseable: boolean;
  dedupe: boolean;
  cap: number | null;
  split: SplitPlan;
  /** Canonical context and game ids whose scenarios are held out of both train and validation. */
  holdout: { contexts: ReadonlySet<string>; games: ReadonlySet<string> };
  /** Most examples each scenario may keep (--balance-labels); the rest are dropped as 'label-balance'. */
  quotas?: ReadonlyMap<string, number>;
};

type Accepted = { example: Example; split: SplitName };
type ScenarioState = { scenario: Scenario; prompt: RenderedPrompt; heldOut: boolean; counts: ScenarioCounts };

/**
 * Decides, one selected sample at a time, whether it becomes an example and in which split,
 * counting every sample that does not under its reason. The steps run in a fixed order: held-out
 * scenario, no text, unparseable, no motivation, duplicate, over the cap; then the seeded split.
 */
export class ExampleFilter {
  private readonly scenarios = new Map<string, ScenarioState>();
  private readonly deduper = new Deduper();
  private readonly splitter: StratifiedSplitter;

  constructor(private readonly options: FilterOptions) {
    this.splitter = new StratifiedSplitter(options.split);
  }

  /** The example and its split, or null when the sample was held out or dropped (and counted). */
  accept(sample: SampleRecord): { example: Example; split: SplitName } | null {
    const state = this.stateOf(sample);
    const counts = state.counts;
    counts.read++;
    if (state.heldOut) return tally(counts, 'heldOut');
    if (sample.text === null) return drop(counts, 'no-text');
    if (isStructuredProtocol(this.options.protocol)) return this.acceptStructured(sample, sample.text, state);
    if (!sample.parse.ok && !this.options.keepUnparseable) return drop(counts, sample.parse.failure);
    const target = targetOf(sample.text, shownParse(sample, state.scenario), this.options.target);
    if (target === null) return drop(counts, sample.parse.ok ? 'no-target' : sample.parse.failure);
    // A bare "C" would teach the student to answer without reasons: only --target action asks for that.
    const bare = sample.parse.ok && motivationOf(sample.text, String(sample.parse.action)) === '';
    if (bare && this.options.target !== 'action') return drop(counts, 'no-motivation');
    return this.keep(sample, state, target);
  }

  /**
   * A structured answer's target is the JSON object the student must learn to write: `raw` keeps
   * it as the API returned it, `normalised` re-serialises it in the schema's order (motivation,
   * then answer, the shown label), as constrained decoding writes it. The text is read again by
   * the strict reader, whatever the recording's parse says, so an example is never built from a
   * text that breaks the schema (unless --keep-unparseable with --target raw).
   */
  private acceptStructured(sample: SampleRecord, text: string, state: ScenarioState): Accepted | null {
    const { counts, scenario } = state;
    const { labels, game } = scenario;
    const space = labels && game.actionSpace.kind === 'choice' ? displayedSpace(labels) : game.actionSpace;
    const reading = readStructuredAnswer(text, space, finishReasonOf(sample));
    if (!reading.ok) {
      const keepAsIs = this.options.keepUnparseable && this.options.target === 'raw';
      return keepAsIs ? this.keep(sample, state, text) : drop(counts, reading.failure);
    }
    if (reading.motivation.trim() === '') return drop(counts, 'no-motivation');
    const target = this.options.target === 'raw' ? text : structuredTarget(reading.motivation, reading.action);
    return this.keep(sample, state, target);
  }

  private keep(sample: SampleRecord, state: ScenarioState, target: string): Accepted | null {
    const counts = state.counts;
    if (this.options.dedupe && this.deduper.isDuplicate(sample.scenario, target)) return tally(counts, 'deduped');
    if (this.options.cap !== null && counts.kept >= this.options.cap) return tally(counts, 'capped');
    const quota = this.options.quotas?.get(sample.scenario);
    if (quota !== undefined && counts.kept >= quota) return drop(counts, 'label-balance');
    counts.kept++;
    const split = this.splitter.assign(sample.scenario);
    counts[split]++;
    return {
      example: { scenario: sample.scenario, system: state.prompt.system, user: state.prompt.user, target },
      split,
    };
  }

  counts(): Map<string, ScenarioCounts> {
    return new Map([...this.scenarios].map(([id, s]) => [id, s.counts]));
  }

  heldOutScenarios(): string[] {
    return [...this.scenarios].filter(([, s]) => s.heldOut).map(([id]) => id);
  }

  private stateOf(sample: SampleRecord): ScenarioState {
    let state = this.scenarios.get(sample.scenario);
    if (!state) {
      const scenario = resolveScenario(this.options.catalogue, sample.scenario);
      const { contexts, games } = this.options.holdout;
      state = {
        scenario,
        prompt: renderPrompt(scenario, this.options.protocol),
        heldOut: contexts.has(scenario.context.id) || games.has(scenario.game.id),
        counts: emptyCounts(sample.split),
      };
      this.scenarios.set(sample.scenario, state);
    } else if (state.counts.split !== sample.split && !state.counts.split.split(',').includes(sample.split)) {
      // A scenario recorded under two splits is unusual but not wrong; the manifest lists both.
      state.counts.split = `${state.counts.split},${sample.split}`;
    }
    return state;
  }
}

/**
 * The parse with its action written as the prompt showed it: a target of a `swapped` scenario
 * says "C" where the game's action is D, exactly as the teacher answered.
 */
function shownParse(sample: SampleRecord, scenario: Scenario): SampleRecord['parse'] {
  const space = scenario.game.actionSpace;
  if (!sample.parse.ok || !scenario.labels || space.kind !== 'choice') return sample.parse;
  return { ...sample.parse, action: labelOfAction(scenario.labels, space, sample.parse.action) };
}

function finishReasonOf(sample: SampleRecord): string | undefined {
  const reason = sample.provenance.finishReason;
  return typeof reason === 'string' ? reason : undefined;
}

function drop(counts: ScenarioCounts, reason: string): null {
  counts.dropped[reason] = (counts.dropped[reason] ?? 0) + 1;
  return null;
}

function tally(counts: ScenarioCounts, key: 'heldOut' | 'deduped' | 'capped'): null {
  counts[key]++;
  return null;
}
