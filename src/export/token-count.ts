import { StratalignError } from '../shared/errors.js';
import type { Example } from './example.js';

/**
 * Tokenizers `--max-tokens` counts with, each the real one of a trainer's target models, shipped
 * with its vocabulary inside an npm package (nothing is downloaded at run time):
 * - o200k: OpenAI's o200k_base (gpt-4o, gpt-4o-mini, gpt-4.1: the models OpenAI fine-tunes), via gpt-tokenizer;
 * - cl100k: OpenAI's cl100k_base (gpt-3.5-turbo, gpt-4), via gpt-tokenizer;
 * - llama2: the LLaMa-2 SentencePiece vocabulary (the paper's student), via llama-tokenizer-js.
 */
export const TOKENIZER_IDS = ['o200k', 'cl100k', 'llama2'] as const;
export type TokenizerId = (typeof TOKENIZER_IDS)[number];

export const TOKENIZER_DESCRIPTIONS: Record<TokenizerId, string> = {
  o200k: "OpenAI o200k_base with the chat format's tokens (gpt-4o family)",
  cl100k: "OpenAI cl100k_base with the chat format's tokens (gpt-3.5-turbo, gpt-4)",
  llama2: 'LLaMa-2 SentencePiece with the LLaMa-2 chat template ([INST] <<SYS>> ... [/INST] target </s>)',
};

/** Tokens of one whole example (system, user and target) as its trainer sees it. */
export type TokenCounter = (example: Example) => number;

type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };
type ChatEncoder = { encodeChat(chat: readonly ChatMessage[]): number[] };

/** Distinct prompts whose counts are kept: one per scenario and protocol in practice. */
const PROMPT_CACHE_LIMIT = 10_000;

/**
 * Loads a tokenizer on first use only: vocabularies take time and memory an export without a
 * limit never needs. The prompt is most of an example and repeats for every answer to a
 * scenario, so its tokens are counted once; the sum is exact, because both templates put a fixed
 * boundary between prompt and target (OpenAI encodes each message apart, between special
 * tokens; LLaMa-2's "[/INST]" ends before the space that starts the target, and no piece of its
 * vocabulary spans that space). The tests compare it with a whole encode.
 */
export async function loadTokenCounter(id: TokenizerId): Promise<TokenCounter> {
  const parts = await loadParts(id);
  const prompts = new Map<string, number>();
  return (e) => {
    const key = `${e.system}\u0000${e.user}`;
    let prompt = prompts.get(key);
    if (prompt === undefined) {
      prompt = parts.prompt(e.system, e.user);
      if (prompts.size < PROMPT_CACHE_LIMIT) prompts.set(key, prompt);
    }
    return prompt + parts.target(e.target);
  };
}

type Parts = { prompt(system: string, user: string): number; target(target: string): number };

async function loadParts(id: TokenizerId): Promise<Parts> {
  if (id === 'llama2') {
    const { default: llama } = await import('llama-tokenizer-js');
    return {
      // <s>[INST] <<SYS>>\n{system}\n<</SYS>>\n\n{user} [/INST] {target} </s>: BOS from encode(), EOS one more.
      prompt: (system, user) => llama.encode(`[INST] <<SYS>>\n${system}\n<</SYS>>\n\n${user} [/INST]`).length,
      target: (target) => llama.encode(` ${target} `, false, false).length + 1,
    };
  }
  const encoder: ChatEncoder =
    id === 'o200k'
      ? await import('gpt-tokenizer/model/gpt-4o-mini')
      : await import('gpt-tokenizer/model/gpt-3.5-turbo');
  // encodeChat adds the same closing tokens to any conversation: count them once.
  const closing = encoder.encodeChat([]).length;
  const message = (role: ChatMessage['role'], content: string) =>
    encoder.encodeChat([{ role, content }]).length - closing;
  return {
    prompt: (system, user) => closing + message('system', system) + message('user', user),
    target: (target) => message('assistant', target),
  };
}

export function parseTokenizerId(value: string, field: string): TokenizerId {
  if ((TOKENIZER_IDS as readonly string[]).includes(value)) return value as TokenizerId;
  throw new StratalignError({ field, value }, 'unknown tokenizer', `use one of ${TOKENIZER_IDS.join(', ')}`);
}

/**
 * Counts each example once per tokenizer, however many formats share it: an export to every
 * format with a limit tokenizes each example at most three times.
 */
export class TokenCounts {
  private readonly counters = new Map<TokenizerId, TokenCounter>();
  private current: Example | null = null;
  private readonly cache = new Map<TokenizerId, number>();

  static async load(ids: Iterable<TokenizerId>): Promise<TokenCounts> {
    const counts = new TokenCounts();
    for (const id of new Set(ids)) counts.counters.set(id, await loadTokenCounter(id));
    return counts;
  }

  of(example: Example, id: TokenizerId): number {
    if (this.current !== example) {
      this.current = example;
      this.cache.clear();
    }
    let n = this.cache.get(id);
    if (n === undefined) {
      const counter = this.counters.get(id);
      if (!counter) throw new Error(`bug: tokenizer ${id} was not loaded`);
      n = counter(example);
      this.cache.set(id, n);
    }
    return n;
  }
}
