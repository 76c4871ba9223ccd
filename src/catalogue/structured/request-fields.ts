import type { AnswerSchema } from './answer-schema.js';

/**
 * How an OpenAI-compatible server is asked for a structured answer:
 * - json_schema: `response_format: {type: "json_schema", json_schema: {name, strict: true, schema}}`
 *   (OpenAI, vLLM, llama.cpp, Ollama, LM Studio, OpenRouter): the server enforces the schema;
 * - json_object: `response_format: {type: "json_object"}` for servers that only promise valid JSON
 *   (the schema is then enforced by nobody: the strict reader counts what breaks it);
 * - guided_json: vLLM's own `guided_json: <schema>` body field, for vLLM versions without json_schema.
 */
export const STRUCTURED_MODES = ['json_schema', 'json_object', 'guided_json'] as const;
export type StructuredMode = (typeof STRUCTURED_MODES)[number];

/** The body fields an OpenAI-compatible request adds for a structured answer. */
export function openAIStructuredFields(answer: AnswerSchema, mode: StructuredMode): Record<string, unknown> {
  switch (mode) {
    case 'json_schema':
      return {
        response_format: {
          type: 'json_schema',
          json_schema: { name: answer.name, description: answer.description, strict: true, schema: answer.schema },
        },
      };
    case 'json_object':
      return { response_format: { type: 'json_object' } };
    case 'guided_json':
      return { guided_json: answer.schema };
  }
}

/**
 * The body fields an Anthropic request adds: one tool whose input is the answer, and a
 * tool_choice that forces the model to call it, so the answer arrives as the tool call's input.
 */
export function anthropicStructuredFields(answer: AnswerSchema): Record<string, unknown> {
  return {
    tools: [{ name: answer.name, description: answer.description, input_schema: answer.schema }],
    tool_choice: { type: 'tool', name: answer.name },
  };
}

/** Words in a server's 400 that say it did not take the structured-output request itself. */
const STRUCTURED_REQUEST_WORDS =
  /response_format|json_schema|json_object|guided_json|schema|structured|tool_choice|\btools?\b/i;

/**
 * The fix to add to a 400/422 that names the structured request: which option to set, so the
 * user never gets free text in its place silently. Null when the error is about something else.
 */
export function structuredRejectionHint(
  status: number,
  message: string,
  structured: { provider: 'openai-compatible' | 'anthropic'; mode: StructuredMode | null },
): string | null {
  if (![400, 415, 422, 501].includes(status) || !STRUCTURED_REQUEST_WORDS.test(message)) return null;
  if (structured.provider === 'anthropic') {
    return (
      'the server did not take the forced tool call (tools + tool_choice) that the structured protocol asks ' +
      'Anthropic models for; use a server that supports tool use, or protocol reasoned'
    );
  }
  const others = STRUCTURED_MODES.filter((m) => m !== structured.mode)
    .map((m) => `structuredMode: ${m}`)
    .join(' or ');
  const refused = `the server did not take the structured-output request (structuredMode ${structured.mode})`;
  return `${refused}; set ${others} in the provider config if the server supports it, or use protocol reasoned`;
}
