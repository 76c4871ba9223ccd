import type { Protocol } from '../catalogue.js';
import { actionsOf, type ActionSpace } from '../games/action-space.js';

/**
 * The fields of a structured answer, in the order the schema lists them. Motivation comes first
 * on purpose: models write the object in the schema's key order (OpenAI's structured outputs
 * follow it), so an answer-first object would commit to the choice before any reasoning and the
 * motivation would only justify it afterwards. Motivation first lets the model reason, then decide.
 */
export const STRUCTURED_FIELDS = ['motivation', 'answer'] as const;

/**
 * Name of the schema (OpenAI `json_schema.name`) and of the forced tool (Anthropic); both APIs
 * allow [a-zA-Z0-9_-]{1,64}.
 */
export const STRUCTURED_NAME = 'record_decision';
export const STRUCTURED_DESCRIPTION = 'Record your motivation and then your decision in this one-shot game.';

/**
 * A JSON Schema, in the subset the APIs' structured modes take (object, string, integer, enum,
 * required, additionalProperties).
 */
export type JsonSchema = {
  type: 'object';
  properties: {
    motivation: { type: 'string'; description: string };
    answer:
      | { type: 'string'; enum: string[]; description: string }
      | { type: 'integer'; enum: number[]; description: string };
  };
  required: ['motivation', 'answer'];
  additionalProperties: false;
};

/** What a structured request carries to the transports: the schema and the name both APIs want. */
export type AnswerSchema = { name: string; description: string; schema: JsonSchema };

/**
 * The schema of a structured answer for the options the prompt shows: an enum of the labels for a
 * choice game, an enum of the whole amounts for an integer game. Amounts are an enum rather than
 * `minimum`/`maximum` because every constrained decoder (OpenAI strict mode, vLLM, llama.cpp
 * grammars) enforces enums, while numeric bounds are not supported everywhere.
 */
export function answerSchemaFor(space: ActionSpace): AnswerSchema {
  const answer =
    space.kind === 'choice'
      ? {
          type: 'string' as const,
          enum: [...space.options],
          description: `the label of your strategy, one of ${space.options.join(', ')}`,
        }
      : {
          type: 'integer' as const,
          enum: actionsOf(space) as number[],
          description: `the ${space.meaning} as a whole number from ${space.min} to ${space.max}, without the unit`,
        };
  return {
    name: STRUCTURED_NAME,
    description: STRUCTURED_DESCRIPTION,
    schema: {
      type: 'object',
      properties: { motivation: { type: 'string', description: 'your reasoning, written before the answer' }, answer },
      required: ['motivation', 'answer'],
      additionalProperties: false,
    },
  };
}

/** Whether a protocol's answers are JSON objects requested against a schema and read by the strict reader. */
export function isStructuredProtocol(protocol: Pick<Protocol, 'response'> | undefined | null): boolean {
  return protocol?.response === 'structured';
}

/**
 * Whether answers recorded under this protocol id (as results and recordings carry it) are
 * structured; an unknown or absent id is not (its answers are free text for the rules).
 */
export function recordedAsStructured(
  catalogue: { findProtocol(id: string): Pick<Protocol, 'response'> | undefined },
  protocolId: unknown,
): boolean {
  return typeof protocolId === 'string' && isStructuredProtocol(catalogue.findProtocol(protocolId));
}
