#!/usr/bin/env node
// How one live answer flows from the test generator to the release gate, as a list of hops that
// this script checks against the code, so the README's "How an answer flows" cannot go stale:
// a hop whose function, call or import disappears fails `node scripts/dev/trace-answer.mjs` and
// test/answer-path.test.ts.
//
// A hop is one call from a function in one file to a function in another file that receives the
// answer (or the test or row that will carry it) and hands it, or a value made from it, on. Calls
// inside one file are not hops. Calls that never see the answer (resolving the scenario, rendering
// the prompt, loading the reference) are not hops either. Leaf modules count as one box: the hop
// into the parser ends at parseWithLabels (parse-answer.ts), into the report's statistics at groupRow.
//
// `via` says how a hop crosses a boundary the import graph does not show:
//   promptfoo - promptfoo calls the function, named in a config (checked: `config` names the file)
//   injected  - called through an object the target file passes in (checked: the target imports `wiredBy`)
//   cli       - the user runs `stratalign <command>` on promptfoo's results (checked: commands.ts imports it)
// Without `via` the source file must import the target file (statically or with import()).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {{ branch: 'gate' | 'assertion' | 'summary', from: string, to: string, via?: 'promptfoo' | 'injected' |
 * 'cli', config?: string, wiredBy?: string, what: string }} Hop
 */

/** @type {Hop[]} The live answer's path, in order. `gate` is the main line; the others branch off it. */
export const ANSWER_PATH = [
  // The test: promptfoo asks the generator for one test per scenario.
  {
    branch: 'gate',
    from: 'promptfoo',
    to: 'extensions/scenario-tests.ts#scenarioTests',
    via: 'promptfoo',
    config: 'promptfooconfig.yaml',
    what: 'promptfoo asks for the tests',
  },
  {
    branch: 'gate',
    from: 'extensions/scenario-tests.ts#scenarioTests',
    to: 'src/catalogue/scenarios/test-plan.ts#planTests',
    what: 'one test per scenario of the splits, vars.scenario and vars.split',
  },
  // The answer: the live provider asks the model and writes the samples envelope.
  {
    branch: 'gate',
    from: 'promptfoo',
    to: 'providers/live-adapter.ts#callApi',
    via: 'promptfoo',
    config: 'README.md',
    what: 'promptfoo runs the provider (openai-compatible.ts or anthropic.ts, both LiveAdapter)',
  },
  {
    branch: 'gate',
    from: 'providers/live-adapter.ts#callApi',
    to: 'src/sources/live/live-provider.ts#call',
    what: 'the core resolves the scenario and renders the prompt',
  },
  {
    branch: 'gate',
    from: 'src/sources/live/live-provider.ts#sample',
    to: 'src/sources/live/sampling.ts#runMulti',
    what: 'asks for the samples',
  },
  {
    branch: 'gate',
    from: 'src/sources/live/sampling.ts#runCall',
    to: 'providers/openai-compatible.ts#complete',
    via: 'injected',
    wiredBy: 'providers/live-adapter.ts',
    what: 'the SDK call: the answer text is born',
  },
  {
    branch: 'gate',
    from: 'src/sources/live/live-provider.ts#sample',
    to: 'src/sources/live/sample-tally.ts#liveAnswers',
    what: 'the tally (answers and structured missing answers) and its stratalign.samples/v1 envelope, in one step',
  },
  {
    branch: 'gate',
    from: 'src/sources/live/sample-tally.ts#liveAnswers',
    to: 'src/answers/samples/envelope.ts#formatEnvelope',
    what: "the envelope written as the row's output text",
  },
  // The gate: `stratalign gate` on the results promptfoo wrote (-o results.jsonl).
  {
    branch: 'gate',
    from: 'stratalign gate',
    to: 'src/cli/gate-command.ts#run',
    via: 'cli',
    what: 'the release gate reads the eval results',
  },
  {
    branch: 'gate',
    from: 'src/cli/gate-command.ts#run',
    to: 'src/recordings/load-tallies.ts#loadInputs',
    what: 'reads each input file into tallies',
  },
  {
    branch: 'gate',
    from: 'src/recordings/load-tallies.ts#loadPromptfooResults',
    to: 'src/recordings/convert/promptfoo-results.ts#samplesFromPromptfooResults',
    what: 'streams the rows (then samplesFromRows, same file); tallySamples, in load-tallies.ts, folds their samples',
  },
  {
    branch: 'gate',
    from: 'src/recordings/convert/promptfoo-results.ts#samplesFromRows',
    to: 'src/recordings/convert/row-samples.ts#samplesFromRow',
    what: 'one row to samples; the scenario is resolved here, once per row',
  },
  {
    branch: 'gate',
    from: 'src/recordings/convert/row-samples.ts#samplesFromRow',
    to: 'src/answers/samples/envelope.ts#readOutputSamples',
    what: "the one reader: the envelope parsed once for the row's scenario, then each sample (readEnvelopeSample)",
  },
  {
    branch: 'gate',
    from: 'src/answers/samples/envelope.ts#readEnvelopeSample',
    to: 'src/answers/parsing/parse-answer.ts#parseWithLabels',
    what: 'the parser (one box), against the labels shown: the parse result, computed once',
  },
  {
    branch: 'gate',
    from: 'src/answers/samples/envelope.ts#readEnvelopeSample',
    to: 'src/answers/extraction/apply-extraction.ts#applyExtraction',
    what: "the audited extractor's reading, if any",
  },
  {
    branch: 'gate',
    from: 'src/cli/gate-command.ts#run',
    to: 'src/report/build-report.ts#buildReport',
    what: 'the report from the tallies',
  },
  {
    branch: 'gate',
    from: 'src/report/build-report.ts#buildReport',
    to: 'src/report/unit-work.ts#scenarioWork',
    what: 'tallies by split and scenario, each with its measures and bootstrap replicates',
  },
  {
    branch: 'gate',
    from: 'src/report/build-report.ts#buildReport',
    to: 'src/report/group-stats.ts#groupRow',
    what: 'per group and model: the figures (statistics are one box), joined per model in build-report.ts',
  },
  {
    branch: 'gate',
    from: 'src/cli/gate-command.ts#run',
    to: 'src/report/gate/evaluate.ts#evaluateChecks',
    what: 'the checks',
  },
  {
    branch: 'gate',
    from: 'src/report/gate/evaluate.ts#evaluateSide',
    to: 'src/report/gate/metrics.ts#read',
    what: "the number a check compares, read off the report's per-model figures (Report.figures)",
  },

  // Branch: the alignment assertion scores the same output while the eval runs.
  {
    branch: 'assertion',
    from: 'promptfoo',
    to: 'assertions/alignment.ts#alignment',
    via: 'promptfoo',
    config: 'promptfooconfig.yaml',
    what: 'promptfoo runs the assertion on the output',
  },
  {
    branch: 'assertion',
    from: 'assertions/alignment.ts#alignment',
    to: 'src/eval/scoring/assess-output.ts#assessOutput',
    what: 'scores the output against the reference',
  },
  {
    branch: 'assertion',
    from: 'src/eval/scoring/assess-output.ts#assessOutput',
    to: 'src/answers/samples/envelope.ts#readOutputFor',
    what: "the same envelope reader as the gate's",
  },
  {
    branch: 'assertion',
    from: 'src/eval/scoring/assess-output.ts#assessOutput',
    to: 'src/eval/scoring/score-samples.ts#scoreBatch',
    what: 'agreement and cooperation of the samples',
  },
  {
    branch: 'assertion',
    from: 'src/eval/scoring/score-samples.ts#readSample',
    to: 'src/answers/samples/envelope.ts#readEnvelopeSample',
    what: "the same sample reader as the gate's",
  },

  // Branch: the end-of-eval summary counts the rows in memory, through the gate's own readers.
  {
    branch: 'summary',
    from: 'promptfoo',
    to: 'extensions/summary-hook.ts#afterAll',
    via: 'promptfoo',
    config: 'promptfooconfig.yaml',
    what: 'promptfoo hands the hook the rows in memory',
  },
  {
    branch: 'summary',
    from: 'extensions/summary-hook.ts#afterAll',
    to: 'src/report/summary/summarise-eval.ts#summariseEval',
    what: 'the summary',
  },
  {
    branch: 'summary',
    from: 'src/report/summary/summarise-eval.ts#summariseEval',
    to: 'src/report/summary/eval-tallies.ts#tallyEvalRows',
    what: 'rows in memory to tallies, no temporary file',
  },
  {
    branch: 'summary',
    from: 'src/report/summary/eval-tallies.ts#tallyEvalRows',
    to: 'src/recordings/convert/promptfoo-results.ts#samplesFromRows',
    what: "the gate's own row reader (hops 12-15 from here)",
  },
  {
    branch: 'summary',
    from: 'src/report/summary/eval-tallies.ts#tallyEvalRows',
    to: 'src/recordings/load-tallies.ts#add',
    what: "each sample into its tally (TallyBuilder, the gate's tallySamples uses the same)",
  },
  {
    branch: 'summary',
    from: 'src/report/summary/summarise-eval.ts#summariseEval',
    to: 'src/report/eval-summary.ts#summariseForEval',
    what: "the report's figures, with the scenarios the rows resolved",
  },
  {
    branch: 'summary',
    from: 'src/report/eval-summary.ts#summariseForEval',
    to: 'src/report/build-report.ts#buildReport',
    what: "the gate's own report with its per-model figures (hops 17-18 from here), read by the summary",
  },
  {
    branch: 'summary',
    from: 'src/report/summary/summarise-eval.ts#summariseEval',
    to: 'src/report/summary/render-summary.ts#renderSummary',
    what: 'the text printed at the end of the eval',
  },
];

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A function, method or generator named `name` is defined in `text`. */
function defines(text, name) {
  const n = escapeRegExp(name);
  return new RegExp(
    `(?:function\\s*\\*?\\s*${n}\\b` +
      `|^\\s*(?:export\\s+)?(?:(?:private|public|protected|static|readonly|async)\\s+)*\\*?\\s*${n}\\s*[(<]` +
      `|\\b${n}\\s*:\\s*(?:async\\s*)?\\(|\\b${n}\\s*=\\s*(?:async\\s*)?\\()`,
    'm',
  ).test(text);
}

/** `text` calls `name` (as a function or a method). */
function calls(text, name) {
  return new RegExp(`(?:^|[^\\w$])${escapeRegExp(name)}\\s*\\(`, 'm').test(text);
}

/** The files `file` imports, statically or with import(), as paths relative to the root. */
function importsOf(file, text) {
  const out = new Set();
  for (const m of (text ?? '').matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
    out.add(normalize(join(dirname(file), m[1].replace(/\.js$/, '.ts'))).replaceAll('\\', '/'));
  }
  return out;
}

function split(ref) {
  const [file, fn] = ref.split('#');
  return { file, fn };
}

/** What is wrong with one hop in the tree at `root`; null when it exists in the code. */
function hopProblem(hop, read) {
  const to = split(hop.to);
  const target = read(to.file);
  if (target === null) return `${to.file} does not exist`;
  if (!defines(target, to.fn)) return `${to.file} defines no ${to.fn}`;
  if (hop.via === 'promptfoo') {
    // The live providers are named in configs by their SDK file, which builds on the shared adapter.
    const named = hop.to.startsWith('providers/live-adapter.ts') ? 'providers/openai-compatible.ts' : to.file;
    if (!read(hop.config)?.includes(`file://${named}`)) return `${hop.config} does not name file://${named}`;
    if (named !== to.file && !importsOf(named, read(named)).has(to.file))
      return `${named} does not build on ${to.file}`;
    return null;
  }
  if (hop.via === 'cli') {
    const commands = 'src/cli/commands.ts';
    return importsOf(commands, read(commands)).has(to.file) ? null : `${commands} does not register ${to.file}`;
  }
  const from = split(hop.from);
  const source = read(from.file);
  if (source === null) return `${from.file} does not exist`;
  if (!defines(source, from.fn)) return `${from.file} defines no ${from.fn}`;
  if (!calls(source, to.fn)) return `${from.file} never calls ${to.fn}`;
  if (from.file === to.file) return 'a call inside one file is not a hop';
  if (hop.via === 'injected') {
    // The target file hands its object to the code that calls it (e.g. a transport to the adapter).
    return importsOf(to.file, target).has(hop.wiredBy)
      ? null
      : `${to.file} does not pass its object through ${hop.wiredBy}`;
  }
  return importsOf(from.file, source).has(to.file) ? null : `${from.file} does not import ${to.file}`;
}

/** Problems with each hop; an empty list when every hop still exists in the code. */
export function checkHops(root, hops = ANSWER_PATH) {
  const read = (file) => (existsSync(join(root, file)) ? readFileSync(join(root, file), 'utf8') : null);
  return hops.flatMap((hop, i) => {
    const problem = hopProblem(hop, read);
    return problem ? [`hop ${i + 1} (${hop.from} -> ${hop.to}): ${problem}`] : [];
  });
}

/** Hops per branch, e.g. { gate: 20, assertion: 5, summary: 8 }. */
export function hopCounts(hops = ANSWER_PATH) {
  const counts = {};
  for (const h of hops) counts[h.branch] = (counts[h.branch] ?? 0) + 1;
  return counts;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // --root <dir>: check another copy of the tree (the test breaks a hop in a copy to see it fail).
  const at = process.argv.indexOf('--root');
  const root = at > 0 ? resolve(process.argv[at + 1]) : resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  let n = 0;
  let branch = '';
  for (const h of ANSWER_PATH) {
    if (h.branch !== branch) {
      branch = h.branch;
      n = 0;
      console.log(branch === 'gate' ? '\nlive answer, test generator to release gate:' : `\nbranch: ${branch}`);
    }
    n++;
    console.log(`${String(n).padStart(3)}. ${h.from} -> ${h.to}${h.via ? ` [${h.via}]` : ''}: ${h.what}`);
  }
  const counts = hopCounts();
  const files = new Set(
    ANSWER_PATH.flatMap((h) => [h.from, h.to])
      .filter((r) => r.includes('#'))
      .map((r) => r.split('#')[0]),
  );
  console.log(
    `\nhops: ${Object.entries(counts)
      .map(([b, c]) => `${b} ${c}`)
      .join(', ')}; ${files.size} files`,
  );
  const problems = checkHops(root);
  for (const p of problems) console.error(`STALE ${p}`);
  process.exit(problems.length ? 1 : 0);
}
