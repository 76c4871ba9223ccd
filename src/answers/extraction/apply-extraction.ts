import type { ActionSpace } from '../../catalogue/games/action-space.js';
import { actionOfLabel, displayedSpace, type LabelVariant } from '../../catalogue/games/label-variant.js';
import type { ParseResult } from '../parsing/parse-result.js';
import { isExtractable } from './extractable.js';
import type { ExtractionRecord } from './extraction-record.js';
import { readExtractorReply } from './extractor-reply.js';

/** The space the extractor was shown: the prompt's labels, as the rules read them. */
export function shownSpace(space: ActionSpace, labels: LabelVariant | undefined): ActionSpace {
  return labels && space.kind === 'choice' ? displayedSpace(labels) : space;
}

/**
 * The rules' result, or, where the rules left an answer unread with a kind the extractor may be
 * asked about and the provider recorded its reply, what that reply strictly says. The rules
 * always go first (a recording made with an older parser is read by today's rules), and the
 * reply is read again here, never taken from a stored action. What the extractor reads is marked
 * `readBy: 'extractor'` with its model and prompt version; what it does not read stays unread
 * with an extractor-* kind that keeps the rules' own kind in `ruleFailure`.
 */
export function applyExtraction(
  rules: ParseResult,
  record: ExtractionRecord | undefined,
  space: ActionSpace,
  labels?: LabelVariant,
): ParseResult {
  if (rules.ok || !record || !isExtractable(rules.failure)) return rules;
  const extractor = { model: record.model, promptVersion: record.promptVersion };
  const who = `the extractor ${record.model} (${record.promptVersion})`;
  const before = `the rules left it unread (${rules.failure}: ${rules.reason})`;
  const unread = (failure: 'extractor-none' | 'extractor-invalid' | 'extractor-error', why: string): ParseResult => ({
    ok: false,
    failure,
    reason: `${before}; ${why}`,
    ruleFailure: rules.failure,
    extractor,
  });
  if (record.outcome === 'error')
    return unread('extractor-error', `${who} could not be asked: ${record.error ?? 'no reason recorded'}`);
  const reply = readExtractorReply(record.reply, shownSpace(space, labels));
  if (reply.kind === 'none') return unread('extractor-none', `${who} found no decision either (it replied none)`);
  if (reply.kind === 'invalid')
    return unread('extractor-invalid', `${who} gave no usable reply, so nothing is read: ${reply.reason}`);
  const action = labels && space.kind === 'choice' ? actionOfLabel(labels, space, String(reply.label)) : reply.label;
  return { ok: true, action, rule: 'extractor', evidence: record.reply!.trim(), readBy: 'extractor', extractor };
}
