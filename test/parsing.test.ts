import { describe, expect, it } from 'vitest';
import { isValidAction, type Action, type ActionSpace } from '../src/catalogue/games/action-space.js';
import { parseAnswer } from '../src/answers/parsing/parse-answer.js';
import { PARSE_FAILURE_KINDS, type ParseFailureKind } from '../src/answers/parsing/parse-result.js';

const CD: ActionSpace = { kind: 'choice', options: ['C', 'D'], cooperative: 'C' };
const PG: ActionSpace = { kind: 'integer', min: 0, max: 10, unit: '$', meaning: 'donation' };

type Expected = Action | ParseFailureKind;
type Row = [text: string | null | undefined, expected: Expected];

function check(text: string | null | undefined, space: ActionSpace, expected: Expected, finishReason?: string): void {
  const result = parseAnswer(text, space, finishReason === undefined ? {} : { finishReason });
  if (typeof expected === 'string' && (PARSE_FAILURE_KINDS as readonly string[]).includes(expected)) {
    expect(result, JSON.stringify(result)).toMatchObject({ ok: false, failure: expected });
  } else {
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true, action: expected });
    if (result.ok) expect(isValidAction(space, result.action)).toBe(true);
  }
}

const LLAMA_D =
  "Sure, I'd be happy to help! As the delegate of my nation, I would choose option D.\n\nMy answer is: " +
  'D\n\nMotivation: Since the coplayer is driven by the same motives, I expect them to look after their own ' +
  'interest. If I choose C and they choose D, I only get 2 points, while D guarantees at least 3.';
const LLAMA_C =
  "  Sure! Here's my answer:\n\nC\n\nMotivation: As a friend, I value our shared code of conduct. If we both " +
  'pick C we each get 10 points, the best outcome for both of us, and I trust my friend to see that too.';
const STEPWISE_D =
  "Let's think step by step.\n\n1. If I choose C and the coplayer chooses C, I get 5.\n2. If I choose D and the " +
  'coplayer chooses C, I get 10.\n3. If I choose C and the coplayer chooses D, I get 2; if we both choose D, I ' +
  'get 3.\n\nD gives me more whatever the coplayer does. Therefore, I choose D.';
const STAG_C =
  'The best outcome for both of us is (C, C) with 10 points each. Going for D is safer: 5 or 3 points.\nSince ' +
  'the coplayer is driven by the same motives, they will anticipate this too.\n\nMy choice: C';
const PAYOFF_TALK_C =
  'Option C gives us both 5 if we coordinate, while option D gives me 10 if the coplayer picks C but only 3 if ' +
  'they also pick D. Weighing C against D, I choose C.';
const TABLE_C =
  '| Me | Coplayer | My points |\n|---|---|---|\n| C | C | 10 |\n| C | D | 3 |\n| D | C | 5 |\n| D | D | 2 ' +
  '|\n\nI choose C.';

const CHOICE_ROWS: Row[] = [
  // bare answers and formatting
  ['C', 'C'],
  ['D', 'D'],
  ['d', 'D'],
  [' D.\n', 'D'],
  ['**C**', 'C'],
  ['"D"', 'D'],
  ['(C)', 'C'],
  ['[D]', 'D'],
  ['`C`', 'C'],
  ['```\nD\n```', 'D'],
  ['\uFF23', 'C'],
  ['\u201CD\u201D', 'D'],
  ['Option C', 'C'],
  ['Strategy D.', 'D'],
  ['   c   ', 'C'],
  ['D!', 'D'],
  ['<b>C</b>', 'C'],
  ['\\boxed{D}', 'D'],
  // explicit statements
  ['Answer: C', 'C'],
  ['Final answer: D', 'D'],
  ['My choice is **D**', 'D'],
  ['**My answer:** C', 'C'],
  ['### Answer\nD\n\n### Motivation\nThe coplayer is likely to protect their own interest.', 'D'],
  ['I choose C', 'C'],
  ['I will go with option D', 'D'],
  ["I'd pick strategy C", 'C'],
  ["I'm going with D.", 'D'],
  ['I have decided to choose C.', 'C'],
  ['After weighing the payoffs, I would select option (D).', 'D'],
  ["I'm choosing D, since the coplayer is likely to do the same.", 'D'],
  ['In this situation, I would choose C, as it maximises our joint payoff.', 'C'],
  ['After careful thought, my answer is __D__.', 'D'],
  ['I choose option "C".', 'C'],
  ['I choose C!', 'C'],
  ['My choice: c', 'C'],
  ["Cautiously, I'd say D.", 'D'],
  ['(C) is my choice.', 'C'],
  ['C is my final answer.', 'C'],
  ['So the answer is D.', 'D'],
  ["I'll play it safe and choose D.", 'D'],
  ['Between C and D, I choose D.', 'D'],
  ['I choose C, not D.', 'C'],
  ['I choose C over D.', 'C'],
  ['I choose D and hope the coplayer chooses C.', 'D'],
  ['I choose C and I think the coplayer will too.', 'C'],
  ["I'll pick the C option.", 'C'],
  ['Let me choose D.', 'D'],
  ['Definitely D.', 'D'],
  ['I choose to trust the coplayer and pick C.', 'C'],
  ["Answer: D\nMotivation: While I'd like to choose C, the risk of getting 2 is too high.", 'D'],
  ["Although I'd prefer C, I choose D.", 'D'],
  ['I choose C because, after all, why not?', 'C'],
  ['They will probably think I choose C. I choose D.', 'D'],
  // leading letter followed by motivation
  ['C. Because if we both pick C we each get 5 points, which beats the risk of 2.', 'C'],
  ['C - I think the coplayer values the friendship as much as I do.', 'C'],
  ['D\n\nMotivation: Choosing D guarantees at least 3 points whatever the coplayer does.', 'D'],
  ['C\nMotivation: Trust is the basis of a good team.', 'C'],
  ['D because it dominates C.', 'D'],
  [
    'C\n\nMotivation:\n1. The coplayer shares my motives.\n2. If I pick D and they pick D, we both get 3.\n3. ' +
      'Mutual C gives 10 each.',
    'C',
  ],
  // LLaMa-2-chat and reasoning before/after
  [LLAMA_D, 'D'],
  [LLAMA_C, 'C'],
  [STEPWISE_D, 'D'],
  [STAG_C, 'C'],
  [PAYOFF_TALK_C, 'C'],
  [TABLE_C, 'C'],
  [
    "  Sure, I'd be happy to play! My answer is: C\n\nMotivation: I choose C because I believe the coplayer will " +
      'also choose C, and (C, C) gives us 10 each.',
    'C',
  ],
  ['Let me weigh the options.\n\nIf both pick C, each gets 10 points. If I pick D alone I get 5.\n\n**C**', 'C'],
  ['- Option C: 5 points if both cooperate on it.\n- Option D: 10 points if the coplayer picks C.\n\nI choose D.', 'D'],
  ["Strategy D: I get 10 if the coplayer picks C.\nStrategy C: we both get 5.\n\nI'd pick C.", 'C'],
  ["C gives 5 to each of us, D tempts with 10. I'll go with C.", 'C'],
  ['Both C and D have merits. My final answer is D.', 'D'],
  ['The coplayer will choose D, so I choose D as well.', 'D'],
  ["I think the coplayer's choice is D. My choice is C.", 'C'],
  ['Answer: D. I choose D because D guarantees at least 3.', 'D'],
  ['I choose D because if I choose C and the coplayer chooses D, I get only 2.', 'D'],
  ["I'd choose D if the coplayer were untrustworthy, but I choose C.", 'C'],
  ["I'd choose C. I'd choose C again.", 'C'],
  ['I choose D.\n\nC is tempting but risky.', 'D'],
  // evaluative statements count only when nothing stronger is said
  ['I believe the best option for me is D.', 'D'],
  ['D is the better choice for me.', 'D'],
  ['D is the dominant strategy, but I choose C because I trust my friend.', 'C'],
  ['The best choice is D. I choose C.', 'C'],
  // words are not letters
  ['Considering the payoffs, cooperation seems wise.', 'no-choice'],
  ['Definitely cooperation.', 'no-choice'],
  ['Cooperate.', 'no-choice'],
  ['Clearly, defecting is tempting, but loyalty matters more.', 'no-choice'],
  ['Decision made.', 'no-choice'],
  ['I choose the option that gives us both the most points.', 'no-choice'],
  ['I pick a strategy that balances risk.', 'no-choice'],
  ['i think a mixed approach is best', 'no-choice'],
  // hypotheticals, questions and other people's choices are not decisions
  ['If I choose C, I get 5 if the coplayer also chooses C. If I choose D, I could get 10.', 'no-choice'],
  ['Should I choose C or D? It depends on the coplayer.', 'no-choice'],
  ['The coplayer probably expects that I will choose C.', 'no-choice'],
  ['I could choose C or D; both have risks.', 'no-choice'],
  ['If the coplayer chooses D, I would choose D too.', 'no-choice'],
  ['I would choose C. However, if I knew the coplayer would choose D, I would choose D.', 'C'],
  ['If I had to choose, I would choose C.', 'C'],
  ['If you ask me, I choose D.', 'D'],
  ['Even if the coplayer chooses D, I choose C.', 'C'],
  ['When it comes to this decision, I choose C.', 'C'],
  ['If both of us choose C we get 5 each, so I choose C.', 'C'],
  ['I think the coplayer will play it safe and choose C.', 'no-choice'],
  ["I don't think I will choose C.", 'no-choice'],
  ['Do I choose C?', 'no-choice'],
  // negations
  ['not C; I choose D', 'D'],
  ['I would not choose D.', 'no-choice'],
  ["I won't pick C, I pick D", 'D'],
  ['I will never choose D. I know that sounds naive.', 'no-choice'],
  ["I don't want to choose D, so my answer is C.", 'C'],
  // self-corrections
  ['I choose C. Actually, on reflection, I choose D.', 'D'],
  ['C... wait, no: D', 'D'],
  ["My answer is C. On second thought, I'd rather go with D.", 'D'],
  ['Answer: D\n\nHmm, scratch that. Answer: C', 'C'],
  ["I'll pick C. Hmm, I'll go with D instead.", 'D'],
  ['I choose B. Sorry, I mean C.', 'C'],
  // unresolved conflicts
  ['C and D are both good; I choose C and D', 'ambiguous'],
  ['I choose C or D.', 'ambiguous'],
  ['I pick C, maybe D.', 'ambiguous'],
  ["I'd go with C or D, depending on what the coplayer does.", 'ambiguous'],
  ['C.\n\nAfter thinking about it more, I choose D.', 'ambiguous'],
  ['D\n\nMotivation: the friendship matters most. Therefore I choose C.', 'ambiguous'],
  ['My answer is C. I choose D.', 'ambiguous'],
  // out of range
  ['I choose E.', 'out-of-range'],
  ['Option B', 'out-of-range'],
  ['My answer is B.', 'out-of-range'],
  // refusals
  ['I cannot participate in this game.', 'refusal'],
  ["As an AI, I don't make choices.", 'refusal'],
  ["I'm sorry, but I can't choose between these options as it involves a hypothetical scenario.", 'refusal'],
  ["As an AI language model, I don't have personal preferences, but if I had to choose, I would choose C.", 'C'],
  ["I'm sorry, but I cannot make this decision for a real nation. However, in this role-play, I choose D.", 'D'],
  // JSON
  ['{"answer": "C"}', 'C'],
  ['```json\n{"choice": "D", "motivation": "The coplayer is self-interested."}\n```', 'D'],
  ['{"answer": "Option C", "reasoning": "Mutual trust."}', 'C'],
  ['{"answer": "E"}', 'out-of-range'],
  ['{"answer": "C or D"}', 'ambiguous'],
  ["Here is my response: {'choice': 'D', 'motivation': 'Maximises my points.'}", 'D'],
  ['{"decision": {"answer": "C"}}', 'C'],
  // empty
  ['', 'empty'],
  ['   \n\t ', 'empty'],
  [null, 'empty'],
  [undefined, 'empty'],
  ['** **', 'empty'],
];

const AMOUNT_ROWS: Row[] = [
  ['7', 7],
  ['$7', 7],
  ['7 dollars', 7],
  ['Seven.', 7],
  ['0', 0],
  ['10', 10],
  ['"$7"', 7],
  ['**$6**', 6],
  ['I choose to donate $7', 7],
  ['I donate 7 dollars.', 7],
  ['Donation: $7', 7],
  ["I'll donate 7 out of my 10 dollars.", 7],
  ['I have $10 and the fund is multiplied by 2.5, so I donate $4', 4],
  ['I decide to contribute five dollars.', 5],
  ['I would contribute ten dollars to the fund, because everyone gains.', 10],
  ['I would donate four dollars', 4],
  ["I'm going to put $5 into the fund.", 5],
  ["I'll keep $3 and donate $7.", 7],
  ['The amount I will donate is $9.', 9],
  ['My final answer: $2', 2],
  ['My donation: **$6**', 6],
  ['Answer: 8\n\nMotivation: The fund is multiplied by 2.5.', 8],
  ['8\n\nMotivation: A higher donation grows the shared fund.', 8],
  ['$5 - half my money, a fair compromise.', 5],
  ["I'm donating $1, because the return per dollar is only $0.625.", 1],
  ["Everyone should donate $10, but I expect others to donate less, so I'll donate $4.", 4],
  [
    '1. The fund is multiplied by 2.5.\n2. It is shared among 4 residents.\n3. So each dollar returns $0.625 to ' +
      "me.\n\nI'll donate $3.",
    3,
  ],
  [
    "Sure, I'd be happy to help! As a resident, I would donate $6 to the party fund.\n\nMotivation: If everyone " +
      'donates $10, the fund becomes $40, multiplied by 2.5 is $100, so each of us gets $25.',
    6,
  ],
  // zero and everything
  ['I donate nothing.', 0],
  ['I will donate zero dollars.', 0],
  ['Donation: none', 0],
  ['I will not donate anything.', 0],
  ["I'll donate everything.", 10],
  ['I donate all of it.', 10],
  ['I donate all $10 to the fund.', 10],
  ['I will donate all I have.', 10],
  // out of range, never rounded or clamped
  ['I donate $12', 'out-of-range'],
  ['I will donate 15 dollars to the party fund.', 'out-of-range'],
  ['I donate -3', 'out-of-range'],
  ['I donate $7.50.', 'fractional-amount'],
  ['I donate $7.00', 7],
  ['I donate twelve dollars.', 'out-of-range'],
  ['I donate 0.5 dollars', 'fractional-amount'],
  ['I choose $7.', 7],
  ['Donate: 4', 4],
  ["I'd put in 6 bucks.", 6],
  ["I'll give $3 to the fund and keep $7.", 3],
  // numbers that are not the donation
  ['Since 4 residents share the fund equally, the return on each dollar is 2.5/4 = 0.625.', 'no-choice'],
  ['If I donate $10 and everyone else donates $0, I get back only $6.25.', 'no-choice'],
  ['1. Consider the multiplier.\n2. Consider the others.', 'no-choice'],
  ["I'd give one more thought to this.", 'no-choice'],
  ['It is hard to say; donations depend on the others.', 'no-choice'],
  ['I choose C.', 'no-choice'],
  ["I wouldn't donate $10.", 'no-choice'],
  // corrections and conflicts
  ["I'll donate $5. Actually, on reflection, I'll donate $8.", 8],
  ['I donate $3.\n\nWait, no: $4.', 4],
  ["I won't donate $10; I'll donate $6.", 6],
  ['I donate $5 or $6.', 'ambiguous'],
  ["I'll donate $4, maybe $5.", 'ambiguous'],
  ['I will donate between 5 and 7 dollars.', 'ambiguous'],
  ['I donate $5. I donate $9.', 'ambiguous'],
  // JSON, refusals, empty
  ['{"donation": 7}', 7],
  ['{"donation": "$3", "motivation": "Keep some, share some."}', 3],
  ['{"donation": 12}', 'out-of-range'],
  ['{"donation": 2.5}', 'fractional-amount'],
  ['I cannot participate in this game.', 'refusal'],
  ['As an AI, I do not have money to donate.', 'refusal'],
  ['', 'empty'],
];

describe('parseAnswer on the C/D choice space', () => {
  it.each(CHOICE_ROWS)('%j -> %s', (text, expected) => check(text, CD, expected));
});

describe('parseAnswer on the $0..$10 donation space', () => {
  it.each(AMOUNT_ROWS)('%j -> %s', (text, expected) => check(text, PG, expected));
});

describe('finish reason', () => {
  const rows: Array<[string, ActionSpace, string, Expected]> = [
    ['If I choose C, the coplayer might', CD, 'length', 'truncated'],
    ['C\n\nMotivation: Because the coplayer', CD, 'length', 'C'],
    ['I choose D because the payoff', CD, 'length', 'D'],
    ['I choose C or D, depending on', CD, 'length', 'truncated'],
    ['Let me compute the returns: 4 residents', PG, 'length', 'truncated'],
    ['I donate $4 because the fund is multiplied', PG, 'length', 4],
    ['Considering the payoffs', CD, 'stop', 'no-choice'],
  ];
  it.each(rows)('%j (%s, %s) -> %s', (text, space, finishReason, expected) =>
    check(text, space, expected, finishReason),
  );
});

describe('labels come from the space, not from C/D', () => {
  const AB: ActionSpace = { kind: 'choice', options: ['A', 'B'], cooperative: 'A' };
  const XY: ActionSpace = { kind: 'choice', options: ['X', 'Y'], cooperative: 'X' };
  it.each<[string, ActionSpace, Expected]>([
    ['I choose B', AB, 'B'],
    ['A', AB, 'A'],
    ['I pick a strategy that balances risk.', AB, 'no-choice'],
    ['My answer: Y', XY, 'Y'],
    ['I choose C', XY, 'out-of-range'],
    ['I choose D', CD, 'D'],
  ])('%j -> %s', (text, space, expected) => check(text, space, expected));
});

describe('rules, evidence and reasons', () => {
  it('names the self-correction and quotes the corrected statement', () => {
    expect(parseAnswer('I choose C. Actually, on reflection, I choose D.', CD)).toEqual({
      ok: true,
      action: 'D',
      rule: 'self-correction',
      evidence: 'I choose D',
    });
  });
  it('reports the rule that found the action', () => {
    expect(parseAnswer('C', CD)).toMatchObject({ rule: 'bare-letter' });
    expect(parseAnswer('C. Because...', CD)).toMatchObject({ rule: 'leading-letter' });
    expect(parseAnswer('{"answer": "D"}', CD)).toMatchObject({ rule: 'json' });
    expect(parseAnswer('Final answer: D', CD)).toMatchObject({ rule: 'final-answer' });
    expect(parseAnswer('So I donate $4.', PG)).toMatchObject({ rule: 'explicit-statement', evidence: 'I donate $4' });
  });
  it('names the allowed range for an out-of-range amount and the options for an unknown letter', () => {
    const amount = parseAnswer('I donate $12', PG);
    expect(amount.ok ? '' : amount.reason).toMatch(/0\.\.10/);
    const letter = parseAnswer('I choose E.', CD);
    expect(letter.ok ? '' : letter.reason).toMatch(/"E".*C, D/);
  });
  it('quotes both statements of an ambiguous answer and the negated one of a no-choice', () => {
    const amb = parseAnswer('C.\n\nAfter thinking about it more, I choose D.', CD);
    expect(amb.ok ? '' : amb.reason).toContain('I choose D');
    const neg = parseAnswer('I would not choose D.', CD);
    expect(neg.ok ? '' : neg.reason).toContain('I would not choose D');
  });
  it('quotes the refusal', () => {
    const r = parseAnswer('I cannot participate in this game.', CD);
    expect(r.ok ? '' : r.reason).toContain('I cannot participate in this game');
  });
});
