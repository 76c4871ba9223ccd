import type { RenderedPrompt } from '../../catalogue/prompts/render.js';
import type { LiveFault } from './faults.js';

/**
 * The seam between the SDK-free core and a provider file: one chat request in, normalised
 * choices out. Each provider file implements it with its SDK; tests can implement it in memory.
 */
export type TopLogprob = { token: string; logprob: number };

export type CompletionRequest = {
  prompt: RenderedPrompt;
  /** Choices wanted from this one request; more than 1 only where the API has `n`. */
  n: number;
  seed?: number;
  /** Set in logprobs mode: ask for this many alternatives of each generated token. */
  topLogprobs?: number;
  /** promptfoo's abort signal, handed to the SDK request. */
  signal?: AbortSignal;
};

export type CompletionChoice = {
  /** Null when the API returned no text (tool call, API-level refusal). */
  text: string | null;
  /** Normalised: 'stop', 'length' (truncated), 'content_filter', 'refusal', or the API's own word. */
  finishReason: string;
  /** OpenAI's structured refusal message, when the API (not the model's text) refused. */
  refusal?: string | null;
  /** Alternatives for the first generated token, when log-probabilities were asked for. */
  firstTokenTopLogprobs?: TopLogprob[] | null;
};

export type TokenCounts = { prompt: number; completion: number };

export type CompletionResult = {
  choices: CompletionChoice[];
  /** Null when the server reported no usage. */
  usage: TokenCounts | null;
};

export interface ChatTransport {
  /** Throws on failure (SDK errors after the SDK's own retries, or a LiveFaultError). */
  complete(request: CompletionRequest): Promise<CompletionResult>;
  /** Turns whatever `complete` threw into a fault, using the SDK's typed errors. */
  faultOf(error: unknown): LiveFault;
}

/** Anthropic's stop reasons in the shared vocabulary, so 'length' always means truncated. */
export function normaliseAnthropicStopReason(reason: string | null | undefined): string {
  if (reason === 'end_turn' || reason === 'stop_sequence') return 'stop';
  if (reason === 'max_tokens') return 'length';
  // Only the structured protocol sends a tool, and forces its call: that call is the normal end.
  if (reason === 'tool_use') return 'stop';
  return reason ?? 'unknown';
}
