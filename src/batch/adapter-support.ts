import { StratalignError } from '../errors.js';
import { lookupApiKey, redactSecret } from '../live/api-key.js';
import { describeFault } from '../live/faults.js';
import { SDK_DEFAULT_MAX_RETRIES, SDK_DEFAULT_TIMEOUT_MS } from '../live/provider-config.js';
import { faultFromSdkError, type SdkErrorFacts } from '../live/sdk-errors.js';
import { BatchWireError, type ItemResult } from './api.js';
import type { CollectionPlan } from './plan.js';

/** What the SDK adapters share: the key from the environment, and one sentence per failure. */
export function requireApiKey(plan: CollectionPlan, env: Record<string, string | undefined> = process.env): string | null {
  const lookup = lookupApiKey(plan.apiKeyEnv, env);
  if (lookup.ok) return lookup.key;
  const fault = lookup.fault as Extract<typeof lookup.fault, { kind: 'missing-key' }>;
  throw new StratalignError(
    { file: 'plan.json', field: 'apiKeyEnv', value: fault.envVar },
    `the environment variable ${fault.envVar} is ${fault.empty ? 'empty' : 'not set'}`,
    `export ${fault.envVar}=<your ${plan.provider} API key> (keys are read only from the environment)`,
  );
}

/** The SDKs' own retry count: batch calls are few, so their policy is used as it is. */
export const BATCH_MAX_RETRIES = SDK_DEFAULT_MAX_RETRIES;

export function describeBatchError(error: unknown, facts: (error: unknown) => SdkErrorFacts, plan: CollectionPlan, key: string | null): string {
  const text =
    error instanceof BatchWireError
      ? `malformed response from ${plan.baseUrl}: ${error.message}`
      : describeFault(faultFromSdkError(facts(error), BATCH_MAX_RETRIES), { baseUrl: plan.baseUrl, model: plan.model, timeoutMs: SDK_DEFAULT_TIMEOUT_MS });
  return redactSecret(text, key);
}

/** Servers echo keys in error bodies ("Incorrect API key provided: sk-…"); failure reasons reach the errors file and the terminal. */
export function redactFailure(result: ItemResult, key: string | null): ItemResult {
  return result.kind === 'answer' ? result : redactSecret(result, key);
}

/** Splits a byte stream into JSONL values; a line that is not JSON comes through as its text, so the wire reader reports it. */
export async function* jsonlValues(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let rest = '';
  const parse = (line: string): unknown => {
    try {
      return JSON.parse(line);
    } catch {
      return line;
    }
  };
  for await (const chunk of chunks) {
    rest += decoder.decode(chunk, { stream: true });
    let newline = rest.indexOf('\n');
    while (newline >= 0) {
      const line = rest.slice(0, newline).trim();
      rest = rest.slice(newline + 1);
      if (line) yield parse(line);
      newline = rest.indexOf('\n');
    }
  }
  rest += decoder.decode();
  if (rest.trim()) yield parse(rest.trim());
}
