import { API_LIMITS } from './limits.js';
import { DEFAULT_POLL_SECONDS } from './cli-options.js';
import { DEFAULT_MAX_ATTEMPTS } from './collection.js';

const n = (value: number) => value.toLocaleString('en-US');

export const BATCH_USAGE =
  `Usage: stratalign batch <step> --dir <collection dir> [options]

Collects many answers of a (teacher) model through the OpenAI Batch API or Anthropic's Message
Batches API: one request per answer, each with a custom_id <context>_<game>[_x<scale>]_<sample>,
split into batches within the API's limits (OpenAI ${n(API_LIMITS.openai.maxRequests)} requests / ` +
  `${n(API_LIMITS.openai.maxBytes)} bytes
per file, Anthropic ${n(API_LIMITS.anthropic.maxRequests)} requests / ${n(API_LIMITS.anthropic.maxBytes)} bytes ` +
  `per batch). Every step is
written to <dir>/journal.jsonl (fsynced) as soon as it has happened, so an interrupted collection
resumes where it stopped. No answer is ever written twice (the recording itself is checked). No
request is sent twice unless its batch expired, was cancelled or failed (those go out again in a
new batch, and the output says so). A create request is never retried blindly: when its answer
is lost (5xx, reset, timeout, a crash or a second Ctrl-C while it is in flight) the batch is looked
up first: on OpenAI by its tag; on Anthropic, whose batches carry no tag, by its number of
requests and creation time. When two Anthropic batches fit, nothing is created and the output
names them with the adopt commands to run. The one case left on Anthropic: the lost request
created nothing and another batch of exactly that size was created on the account meanwhile;
it is then taken for this one, the output says so, and its results are checked before anything
is recorded from it.

Steps:
  plan     write <dir>/plan.json: the scenarios, samples per scenario, model and sampling
  submit   write request files (<dir>/requests/) and create a batch for each
  status   poll every unfinished batch once
  collect  poll, then write the answers of ended batches to <dir>/recording.jsonl and the
           requests without an answer (errored, expired, cancelled) to <dir>/errors.jsonl
  run      plan (when plan options are given), then submit, poll, collect and re-submit until
           every request has an answer or has failed for good; exits 1 if answers are missing
  resume   continue an interrupted collection: like run, with the plan already in place
  cancel   ask the API to cancel every unfinished batch; its unanswered requests are not re-sent
  adopt    --batch-id <id> | --none [--key bNNNN]: settle a batch whose create got no clear answer
           and could not be matched: take the batch the output named, or create it again

Every step but plan ends with: requested = recorded + missing, and why each missing answer is missing.
The API key is read from the environment variable the plan names (never from arguments).

Plan options (plan, run; --max-requests and --max-bytes are stored in the plan too):
  --provider openai|anthropic
  --model <id>                 model id the API knows, e.g. gpt-4o-mini, claude-sonnet-4-5
  --protocol <id>              reasoned (answer + motivation, how the teacher was asked), letter-only,
                               or structured (a JSON object, motivation then answer, sent with its schema)
  --samples <n>                answers per scenario, e.g. 300 as in the paper
  --scenario <context/game>    a scenario, e.g. business/prisoners-dilemma@x2 (repeatable); or a grid:
  --contexts <a,b>  --games <x,y>  --payoff-scales <1,2>  --context-split in-sample|out-of-sample
  --split <name>               group name in the recording (default: the context's catalogue split)
  --label <name>               model label in the recording (default: the model id)
  --role <role>                e.g. teacher
  --temperature <t>  --top-p <p>  --max-tokens <n> (required for anthropic)  --seed <n> (openai;
                               sample i is sent seed + i)
  --base-url <url>             API base URL (OpenAI: up to /v1; Anthropic: the host); any later
                               step may correct it (recorded in the journal)
  --api-key-env <NAME>         environment variable holding the key (default OPENAI_API_KEY or
                               ANTHROPIC_API_KEY)

Options of the other steps:
  --provider <name>            checked against the plan when given
  --poll-interval <seconds>    wait between polls in run/resume (default ${DEFAULT_POLL_SECONDS})
  --max-attempts <n>           batches a request may be sent in, the first included (default ${DEFAULT_MAX_ATTEMPTS})
  --retry-errored              also re-submit requests that errored, or whose answer was refused or unreadable
  --base-url <url>             correct the API base URL of the collection (recorded in the journal)
  --max-requests <n>  --max-bytes <n>   smaller batches than the API allows; part of the plan
                               (given later, they must match it)
`;
