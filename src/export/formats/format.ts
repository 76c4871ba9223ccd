import { z } from 'zod';
import { formatPath } from '../../shared/validation.js';
import type { Example } from '../example.js';
import type { TokenizerId } from '../token-count.js';

/** A data file of an export: which split it holds and its file name inside the format's directory. */
export type DataFile = { split: 'train' | 'validation'; name: string };

/** A file a trainer reads beside the data, e.g. LLaMA-Factory's dataset_info.json. */
export type SideFile = { name: string; content: string };

export type LineCheck = { ok: true } | { ok: false; field: string; problem: string };

/** The prompt and target a line carries, read back for round-trip checks. */
export type ReadBack = { system: string; user: string; target: string };

/**
 * One trainer's dataset format. Each line is built by `toLine`, checked by `validate` (a zod schema
 * written from the trainer's documentation) before it is written, and read back by `readBack`.
 */
export type ExportFormat = {
  id: string;
  describe: string;
  /** Whose service or library trains on it, for messages ("OpenAI fine-tuning"). */
  trainer?: string;
  /** The fewest training examples the trainer accepts (OpenAI: 10); at least 1 for every format. */
  minTrainExamples?: number;
  /** The tokenizer of the models this format usually trains, for --max-tokens. */
  tokenizer: TokenizerId;
  /** Files to write beside the data files; `name` is the dataset name used in trainer configs. */
  files(context: { name: string; dataFiles: readonly DataFile[] }): SideFile[];
  toLine(example: Example): unknown;
  validate(line: unknown): LineCheck;
  /** Call only on lines that passed `validate`. */
  readBack(line: unknown): ReadBack;
};

/** A message's text: a trainer learns nothing from an empty turn, and several reject one. */
export const content = z.string().refine((s) => s.trim() !== '', 'content is empty');

/** The chat message shape shared by OpenAI, TRL and Together. */
export const chatMessage = <R extends string>(role: R) => z.strictObject({ role: z.literal(role), content });

export function checkWith(schema: z.ZodType): (line: unknown) => LineCheck {
  return (line) => {
    const result = schema.safeParse(line);
    if (result.success) return { ok: true };
    const issue = result.error.issues[0]!;
    return { ok: false, field: formatPath(issue.path) || '(line)', problem: issue.message };
  };
}

/** Reads system, user and assistant turns out of an already validated messages list. */
export function readMessages(messages: readonly ChatTurn[]): ReadBack {
  const find = (role: string) => messages.find((m) => m.role === role)?.content ?? '';
  return { system: find('system'), user: find('user'), target: find('assistant') };
}

/** The three-turn conversation every chat format starts from. */
export function chatMessages(example: Example): { role: 'system' | 'user' | 'assistant'; content: string }[] {
  return [
    { role: 'system', content: example.system },
    { role: 'user', content: example.user },
    { role: 'assistant', content: example.target },
  ];
}

type ChatTurn = { role: string; content: string };

/**
 * A format whose line is {"messages":[system,user,assistant]} (OpenAI, TRL, Together): they differ
 * only in name and in what their schema allows besides the three turns.
 */
export function messagesFormat(
  id: string,
  describe: string,
  line: z.ZodType<{ messages: readonly ChatTurn[] }>,
  trainer: Pick<ExportFormat, 'trainer' | 'minTrainExamples' | 'tokenizer'>,
): ExportFormat {
  return {
    id,
    describe,
    ...trainer,
    files: () => [],
    toLine: (example) => ({ messages: chatMessages(example) }),
    validate: checkWith(line),
    readBack: (value) => readMessages((value as { messages: readonly ChatTurn[] }).messages),
  };
}
