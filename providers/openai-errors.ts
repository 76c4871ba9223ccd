// What the openai SDK's errors say, in the SDK-free terms src/sources/live turns into faults.
import OpenAI from 'openai';
import type { SdkErrorFacts } from '../src/sources/live/sdk-errors.js';

export function openAIErrorFacts(error: unknown): SdkErrorFacts {
  if (error instanceof OpenAI.APIUserAbortError) return { kind: 'aborted' };
  if (error instanceof OpenAI.APIConnectionTimeoutError) return { kind: 'timeout' };
  if (error instanceof OpenAI.APIConnectionError) return { kind: 'connection', cause: error.cause };
  if (error instanceof OpenAI.APIError && typeof error.status === 'number')
    return { kind: 'http', status: error.status, headers: error.headers, message: error.message };
  if (error instanceof SyntaxError) return { kind: 'malformed', detail: `invalid JSON (${error.message})` };
  return { kind: 'other', error };
}
