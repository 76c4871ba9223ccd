// Writes the recordings of the offline distillation walk-through (examples/walkthrough/):
//   teacher-answers.jsonl   a teacher's reasoned answers: the letter, then a motivation
//   student-answers.jsonl   a base and a fine-tuned student's letter-only answers
// Run from the repository root:  npx tsx scripts/make-walkthrough-recordings.ts
//
// WRITTEN FOR THE EXAMPLE: no model produced these texts. The motivations are ours, written in
// the style of the paper's reasoned answers; how often each model answers C in each scenario
// follows the paper's recorded counts for that model and scenario (datasets/recordings/
// lfb-counts.csv), scaled to ANSWERS answers and shuffled with a fixed seed, so the numbers the
// walk-through shows are of the size the paper reports. Parse results come from parseAnswer, so
// the files are what `stratalign convert` would have written for real answers like these.
import { writeFileSync } from 'node:fs';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { parseAnswer } from '../src/answers/parsing/parse-answer.js';
import { createRng, shuffled } from '../src/shared/random.js';
import { readCountsTable } from '../src/recordings/counts-table.js';
import { SAMPLE_SCHEMA, type SampleRecord } from '../src/recordings/types.js';
import { resolveScenario } from '../src/catalogue/scenarios/scenario.js';

const ANSWERS = 40;
const SEED = 'walkthrough';
const ORIGIN = 'scripts/make-walkthrough-recordings.ts (written for the example, not model output)';
const SCENARIOS = [
  'business/prisoners-dilemma',
  'business/stag-hunt',
  'business/snowdrift',
  'friends/prisoners-dilemma',
  'friends/stag-hunt',
  'friends/snowdrift',
];
const MODELS = { teacher: 'llama2-70b-chat', base: 'llama2-7b-chat', 'fine-tuned': 'llama2-7b-chat-lfb-lora' } as const;

/** Who the coplayer is and what points stand for, per context, to fill the motivations. */
const WORDS: Record<string, { other: string; gain: string }> = {
  business: { other: 'the other CEO', gain: 'profit' },
  friends: { other: 'my friend', gain: 'the friendship' },
};

/** Motivations per game and choice; {other} and {gain} are filled per context. */
const MOTIVATIONS: Record<string, Record<'C' | 'D', string[]>> = {
  'prisoners-dilemma': {
    C: [
      'We are driven by the same motives, so {other} is likely to reason the way I do. If we both choose C we each ' +
        'get 5 points instead of the 3 we would get from D, and {gain} is better served by that.',
      'D pays more whatever {other} does, but if we both follow that logic we end up with 3 points each. Since we ' +
        'think alike, I choose C and expect {other} to do the same, which gives us 5 each.',
      'A single meeting with no way to talk is risky, but choosing C signals good faith. I expect {other} to see ' +
        'that mutual C beats mutual D and to choose C as well.',
      'I value a good outcome for both sides. The risk is getting 2 points if {other} defects, but I think C is ' +
        'the more likely choice for someone who shares my motives.',
    ],
    D: [
      '{other} gets more from D whatever I do (10 instead of 5 if I choose C, 3 instead of 2 if I choose D), so I ' +
        'expect D. Against D, my D gives 3 points rather than 2.',
      'We cannot communicate and meet only once, so there is nothing to enforce cooperation. D protects {gain} in ' +
        'both cases: 10 if {other} chooses C, 3 if {other} chooses D.',
      'Whatever {other} chooses, D gives me more points. Choosing C would leave me with only 2 points if {other} ' +
        'thinks the same way I do.',
      'I would like the 5 points from mutual C, but I cannot count on {other} choosing C when D is better for them ' +
        'in every case. D is the safer choice.',
      'The numbers make D dominant for both of us. I expect {other} to see that as well, and against D the best I ' +
        'can do is D.',
    ],
  },
  'stag-hunt': {
    C: [
      'Mutual C gives both of us 10 points, the best outcome in the table, and {other} has every reason to aim for ' +
        'it too. I choose C.',
      'If {other} chooses C, my C gives 10 against 5 for D. Since we share the same motives, I expect {other} to ' +
        'go for the outcome that is best for both, so C.',
      'C is risky only if {other} doubts me, and nothing suggests that. The 10 points of mutual C are worth more ' +
        'to {gain} than the safety of D.',
    ],
    D: [
      'C pays off only if {other} also chooses C; if not, I get 2 points. D guarantees at least 3 and gives 5 if ' +
        '{other} chooses C. Without a way to talk, I take the safe option.',
      'I cannot be sure {other} will take the risk of C. D never leaves me with fewer than 3 points, so I choose D ' +
        'to protect {gain}.',
      'The best outcome needs trust we cannot build in one meeting without talking. I expect {other} to play safe, ' +
        'and against D my D gives 3 rather than 2.',
    ],
  },
  snowdrift: {
    C: [
      'If we both choose D we each get only 2 points, the worst outcome. C guarantees me at least 3, and 5 if ' +
        '{other} also chooses C, so C avoids the disaster.',
      '{other} may choose D hoping I give in, but mutual D is the worst result for both of us. I prefer the sure 3 ' +
        'or 5 points of C to risking 2.',
      'C is the responsible choice: it keeps us out of the 2-point outcome whatever {other} does, and {gain} ' +
        'matters more to me than squeezing out 10 points.',
    ],
    D: [
      'I expect {other} to avoid the 2-point outcome by choosing C, and against C my D earns 10 points instead of 5.',
      '{other} is likely to be cautious and choose C. That makes D worth 10 points to me, so I choose D.',
      'If {other} chooses C, D gives me 10. The risk is 2 points if we both choose D, but I think {other} will not ' +
        'take that risk.',
    ],
  },
};

/** Openings and closings around a motivation, so no two answers need be the same text. */
const LEADS = [
  '',
  'Let me think about what {other} is likely to do. ',
  'Thinking step by step: ',
  "First, consider {other}'s incentives. ",
  'This is a one-shot decision. ',
];
const CLOSINGS = [
  '',
  ' So my answer is {a}.',
  ' That is why I pick {a}.',
  ' On balance, {a} serves {gain} best.',
  ' I will go with {a}.',
];

/** How the teacher wrote its answers: the paper asked for the letter first, then the motivation. */
const TEACHER_FORMS = [
  (a: string, m: string) => `${a}\n\n${m}`,
  (a: string, m: string) => `Answer: ${a}\nMotivation: ${m}`,
  (a: string, m: string) => `**${a}**\n\n${m}`,
  (a: string, m: string) => `I choose ${a}.\n\n${m}`,
];
const REFUSAL =
  "I'm sorry, but I don't feel comfortable choosing a strategy that could harm the other party. " +
  'I would rather talk with them first.';

/** How chat students answer a letter-only prompt, and two answers no parser should guess from. */
const STUDENT_FORMS = [
  (a: string) => a,
  (a: string) => `${a}.`,
  (a: string) => `**${a}**`,
  (a: string) => `Answer: ${a}`,
  (a: string) => `I choose ${a}`,
];
const STUDENT_NON_ANSWERS = [
  'As an AI, I do not have personal preferences between strategies.',
  'Both options have merits depending on the coplayer.',
];

const catalogue = defaultCatalogue();
const paper = readCountsTable('datasets/recordings/lfb-counts.csv', catalogue);

function choices(model: string, scenario: string): ('C' | 'D')[] {
  const tally = paper.find((t) => t.model === model && t.scenario === scenario)!;
  const c = Math.round((ANSWERS * (tally.counts.C ?? 0)) / ((tally.counts.C ?? 0) + (tally.counts.D ?? 0)));
  return shuffled(
    [...Array<'C'>(c).fill('C'), ...Array<'D'>(ANSWERS - c).fill('D')],
    createRng(`${SEED}/${model}/${scenario}`),
  );
}

function record(name: string, model: string, role: string, text: string): string {
  const scenario = resolveScenario(catalogue, name);
  const sample: SampleRecord = {
    schema: SAMPLE_SCHEMA,
    scenario: scenario.id,
    split: 'in-sample',
    model,
    role,
    text,
    parse: parseAnswer(text, scenario.game.actionSpace),
    provenance: { source: 'recorded-text', origin: ORIGIN },
  };
  return JSON.stringify(sample);
}

const teacher: string[] = [];
const students: string[] = [];
for (const name of SCENARIOS) {
  const [context, game] = name.split('/') as [string, string];
  const fill = (m: string) => m.replaceAll('{other}', WORDS[context]!.other).replaceAll('{gain}', WORDS[context]!.gain);
  const rng = createRng(`${SEED}/texts/${name}`);
  choices(MODELS.teacher, name).forEach((a, i) => {
    // One refusal per scenario, as chat teachers occasionally do: exported as dropped, never guessed.
    if (i === 7) {
      teacher.push(record(name, MODELS.teacher, 'teacher', REFUSAL));
      return;
    }
    const pool = MOTIVATIONS[game]![a];
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
    const body = `${pick(LEADS)}${pick(pool)}${pick(CLOSINGS)}`.replaceAll('{a}', a);
    const motivation = fill(body)
      .replace(/^./, (ch) => ch.toUpperCase())
      .replace(/(\. )([a-z])/g, (_m, p: string, ch: string) => p + ch.toUpperCase());
    teacher.push(record(name, MODELS.teacher, 'teacher', pick(TEACHER_FORMS)(a, motivation)));
  });
  for (const role of ['base', 'fine-tuned'] as const) {
    choices(MODELS[role], name).forEach((a, i) => {
      const text =
        role === 'base' && i === 3
          ? STUDENT_NON_ANSWERS[SCENARIOS.indexOf(name) % 2]!
          : STUDENT_FORMS[Math.floor(rng() * STUDENT_FORMS.length)]!(a);
      students.push(record(name, MODELS[role], role, text));
    });
  }
}
writeFileSync('examples/walkthrough/teacher-answers.jsonl', `${teacher.join('\n')}\n`);
writeFileSync('examples/walkthrough/student-answers.jsonl', `${students.join('\n')}\n`);
console.log(`wrote ${teacher.length} teacher and ${students.length} student answers`);
