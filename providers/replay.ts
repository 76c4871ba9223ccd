// Replays a recorded model (counts table or JSONL texts) through promptfoo, offline.
import { isAbsolute, join } from 'node:path';
import type { ApiProvider, CallApiContextParams, ProviderOptions, ProviderResponse } from 'promptfoo';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { isStratalignError, StratalignError } from '../src/shared/errors.js';
import { configErrorLine, printConfigErrorOnce } from '../src/eval/config/config-error.js';
import { parseReplayConfig, type ReplayConfig } from '../src/sources/replay/replay-config.js';
import { replayEnvelope } from '../src/sources/replay/replay-envelope.js';
import { findTrack, loadReplaySource, type ReplaySource } from '../src/sources/replay/replay-source.js';
import { formatEnvelope } from '../src/answers/samples/envelope.js';
import { resolveScenario } from '../src/catalogue/scenarios/scenario.js';

export default class ReplayProvider implements ApiProvider {
  readonly config: ReplayConfig | undefined;
  label?: string;
  private readonly providerId: string;
  private readonly configError?: string;
  private source?: Promise<ReplaySource>;

  constructor(options: ProviderOptions) {
    this.providerId = options.id ?? 'stratalign:replay';
    try {
      this.config = parseReplayConfig(options.config, `replay ${String(options.config?.model ?? options.id)}`);
    } catch (err) {
      if (!isStratalignError(err)) throw err;
      // Thrown here, promptfoo would crash with a stack trace; instead say it once, clearly, and
      // fail every row of this provider so the summary counts them and the run exits non-zero.
      this.configError = configErrorLine(err);
      printConfigErrorOnce(this.configError);
    }
  }

  id(): string {
    return this.providerId;
  }

  async callApi(_prompt: string, context?: CallApiContextParams): Promise<ProviderResponse> {
    if (!this.config) return { error: this.configError };
    try {
      const catalogue = defaultCatalogue();
      // Kept relative where the config is, so outputs name the recording as the config does.
      const recording = isAbsolute(this.config.recording)
        ? this.config.recording
        : join(this.config.basePath ?? '.', this.config.recording);
      this.source ??= loadReplaySource(recording, catalogue, this.config.model);
      const source = await this.source;
      const name = context?.vars?.scenario;
      if (typeof name !== 'string')
        return {
          error:
            'stratalign replay: the test has no `scenario` var; generate tests with extensions/scenario-tests.ts ' +
            'or set vars.scenario',
        };
      const scenario = resolveScenario(catalogue, name, { field: 'vars.scenario' });
      const split = typeof context?.vars?.split === 'string' ? context.vars.split : undefined;
      const track = findTrack(source, scenario.id, split);
      if (typeof track === 'string') return { error: `stratalign replay: ${track}` };
      const count = this.config.samples === 'all' ? track.answers.length : this.config.samples;
      const start = (context?.repeatIndex ?? 0) * count;
      const role = this.config.role ?? track.role;
      const protocol = replayProtocol(source.protocol, this.config.protocol, source.origin);
      const envelope = replayEnvelope(source, track, {
        seed: this.config.seed,
        start,
        count,
        role,
        cycle: this.config.onExhausted === 'cycle',
      });
      return {
        output: formatEnvelope(envelope),
        tokenUsage: { prompt: 0, completion: 0, total: 0, numRequests: 0 },
        cost: 0,
        metadata: {
          stratalign: {
            source: 'replay',
            mode: source.mode,
            model: source.model,
            role,
            scenario: scenario.id,
            split: track.split,
            recording: source.origin,
            seed: this.config.seed,
            ...(protocol ? { protocol } : {}),
          },
        },
      };
    } catch (err) {
      if (isStratalignError(err)) return { error: `stratalign replay: ${err.message}` };
      throw err;
    }
  }
}

/**
 * The protocol a replayed row reports: the one the recording's answers were collected under, else
 * the config's. Both given and different is a mistake: a structured recording read as free text
 * (or the reverse) would be misread, so the row fails naming both.
 */
function replayProtocol(recorded: string | null, configured: string | undefined, origin: string): string | undefined {
  if (recorded && configured && recorded !== configured) {
    throw new StratalignError(
      { file: origin, field: 'provenance.protocol', value: recorded },
      `the recording was collected under protocol ${recorded}, but the replay config says protocol ${configured}`,
      `set protocol: ${recorded} in the replay provider's config, or remove it`,
    );
  }
  return recorded ?? configured;
}
