import type { Protocol } from '../catalogue.js';
import { StratalignError } from '../../shared/errors.js';
import { displayedSpace } from '../games/label-variant.js';
import type { Scenario } from '../scenarios/scenario.js';
import { answerSchemaFor, isStructuredProtocol, type AnswerSchema } from '../structured/answer-schema.js';

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

export type RenderedPrompt = {
  scenarioId: string;
  protocol: string;
  system: string;
  user: string;
  /** The same text as chat messages, the form every chat API takes. */
  messages: ChatMessage[];
  /**
   * Structured protocols only: the schema the answer must follow, built from the options the
   * prompt shows. The live providers request it through the API's own mechanism.
   */
  answerSchema?: AnswerSchema;
};

/**
 * Renders a scenario under a protocol with our own tiny template filler rather than promptfoo's
 * Nunjucks, so the exact prompt is reproducible outside promptfoo (exports, replays, audits).
 */
export function renderPrompt(scenario: Scenario, protocol: Protocol): RenderedPrompt {
  const { context, game, labels } = scenario;
  // A label variant changes what the prompt shows, never the game: its options replace C and D.
  const space = labels ? displayedSpace(labels) : game.actionSpace;
  const options =
    space.kind === 'choice' ? joinOr(space.options) : `${space.unit}${space.min} to ${space.unit}${space.max}`;
  const values: Record<string, string> = {
    role: context.role,
    coplayer: context.coplayer,
    points: context.points,
    rules: game.rulesText(scenario.payoffScale, labels),
    decision: labels ? game.decisionWith(labels) : game.decisionText,
    options,
    option_word: labels?.word ?? (space.kind === 'choice' ? 'letter' : 'number'),
  };
  values.answer_format = fill(protocol.answer_format[space.kind], values, protocol.id, `answer_format.${space.kind}`);
  const system = fill(protocol.system, values, protocol.id, 'system');
  const user = fill(protocol.user, values, protocol.id, 'user');
  return {
    scenarioId: scenario.id,
    protocol: protocol.id,
    system,
    user,
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: user },
    ],
    ...(isStructuredProtocol(protocol) ? { answerSchema: answerSchemaFor(space) } : {}),
  };
}

function joinOr(options: readonly string[]): string {
  return options.length <= 1
    ? options.join('')
    : `${options.slice(0, -1).join(', ')} or ${options[options.length - 1]}`;
}

function fill(template: string, values: Record<string, string>, protocolId: string, field: string): string {
  return template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) {
      throw new StratalignError(
        {
          file: 'datasets/catalogue/protocols.yaml',
          field: `protocols[id=${protocolId}].${field}`,
          value: `{{${name}}}`,
        },
        'unknown placeholder',
        `use only ${Object.keys(values)
          .map((k) => `{{${k}}}`)
          .join(', ')}`,
      );
    }
    return value;
  });
}
