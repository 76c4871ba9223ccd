// What @anthropic-ai/sdk's errors say, in the SDK-free terms src/sources/live turns into faults.
import Anthropic from '@anthropic-ai/sdk';
import type { SdkErrorFacts } from '../src/sources/live/sdk-errors.js';

export function anthropicErrorFacts(error: unknown): SdkErrorFacts {
  if (error instanceof Anthropic.APIUserAbortError) return { kind: 'aborted' };
  if (error instanceof Anthropic.APIConnectionTimeoutError) return { kind: 'timeout' };
  if (error instanceof Anthropic.APIConnectionError) return { kind: 'connection', cause: error.cause };
  if (error instanceof Anthropic.APIError && typeof error.status === 'number') {
    // The SDK stringifies the whole error body; the server's own sentence is nested inside it.
    const nested = (error.error as { error?: { message?: unknown } } | undefined)?.error?.message;
    return {
      kind: 'http',
      status: error.status,
      headers: error.headers,
      message: typeof nested === 'string' ? nested : error.message,
    };
  }
  if (error instanceof SyntaxError) return { kind: 'malformed', detail: `invalid JSON (${error.message})` };
  return { kind: 'other', error };
}
