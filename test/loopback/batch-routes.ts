import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RecordedRequest } from './behaviours.js';
import {
  anthropicBatchObject,
  anthropicResultLine,
  openAIBatchObject,
  openAIResultLine,
  type ItemOutcome,
  type LoopbackBatch,
  type LoopbackBatchItem,
} from './batch-wire.js';

export type { ItemOutcome, LoopbackBatch } from './batch-wire.js';

export type BatchItemInfo = {
  provider: 'openai' | 'anthropic';
  batch: LoopbackBatch;
  customId: string;
  body: any;
  /** Batches this custom_id has been in, this one included. */ attempt: number;
};

export type BatchRoutesOptions = {
  /** What each request gets when its batch ends. Default: the answer "C". */
  answer?: (item: BatchItemInfo) => ItemOutcome;
  /** Retrieves a batch takes to end (OpenAI: validating, in_progress, then its end). Default 2. */
  pollsToEnd?: number;
  /** OpenAI: fail the whole batch at validation with this message (by creation order). */
  failBatch?: (batch: LoopbackBatch) => string | null;
  /** Pause between result lines (ms). */
  resultLineDelayMs?: number;
  /**
   * Send this many result lines, then hold the rest until `releaseResults()`: a collection can be interrupted midway,
   * deterministically.
   */
  holdResultsAfter?: number;
  /** Scripted faults on batch routes, first matching rule wins (see BatchFault). */
  faults?: BatchFault[];
  /** Raw lines added to a batch's results (after the first real line), e.g. a proxy's HTML error page. */
  extraResultLines?: (batch: LoopbackBatch) => string[];
};

/**
 * A fault on a batch route. `before`: the request has no effect and gets the fault instead.
 * `after`: the request takes effect (a batch is created, a cancel accepted), then its reply is
 * replaced by the fault, held for `delayMs` (then sent, unless the client went away), or the
 * socket is reset: the ambiguous outcomes a real API or proxy can produce.
 */
export type BatchFault = {
  method: string;
  path: RegExp;
  phase: 'before' | 'after';
  /** Matching requests to let through first. */
  skip?: number;
  /** How many matching requests get the fault (default: every one). */
  times?: number;
  status?: number;
  retryAfter?: number;
  reset?: boolean;
  delayMs?: number;
};

/** A fault that fired, in order: tests wait for these to time a kill. */
export type FaultEvent = { method: string; path: string; phase: 'before' | 'after'; what: string };

const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;
const ok = (text: string): ItemOutcome => ({ kind: 'ok', text });

/**
 * OpenAI's files and batches endpoints and Anthropic's message batches on the loopback server.
 * Batches move on with each retrieve (validating → in_progress → completed / expired / failed,
 * or in_progress → ended), requests get scripted outcomes, and results stream as JSONL.
 */
export class LoopbackBatches {
  readonly batches: LoopbackBatch[] = [];
  readonly files = new Map<string, { filename: string; purpose: string; content: string }>();
  /** Faults that fired, in order. */
  readonly faultEvents: FaultEvent[] = [];
  private readonly faultSeen = new Map<BatchFault, number>();
  private pending: Promise<void>[] = [];
  private releaseHeld: () => void = () => {};
  private readonly held = new Promise<void>((resolve) => (this.releaseHeld = resolve));

  /** Mutable, so a test can change how batches behave between an interruption and the resume. */
  constructor(readonly options: BatchRoutesOptions = {}) {}

  /** Claims the request if it is a batch route; the reply may be sent later (uploads, streamed results). */
  handle(request: RecordedRequest, raw: string, res: ServerResponse): boolean {
    const { method, path } = request;
    if (!/^\/v1\/(files|batches|messages\/batches)(\/|$)/.test(path)) return false;
    request.behaviour = `batch ${method} ${path}`;
    const task = this.routeWithFaults(method, path, request, raw, res).catch((err: unknown) =>
      send(res, 500, { error: { message: `loopback batch route failed: ${String(err)}` } }),
    );
    this.pending.push(task);
    return true;
  }

  /**
   * Adds a batch nobody in the test created (another collection of the same account), e.g. one
   * with the same number of requests as the collection's own: what a lookup must not mistake.
   */
  addForeign(
    provider: 'openai' | 'anthropic',
    customIds: string[],
    options: { createdAt?: number; metadata?: Record<string, string> } = {},
  ): LoopbackBatch {
    const index = this.batches.length;
    const id = provider === 'openai' ? `batch_foreign_${index}` : `msgbatch_foreign_${index}`;
    const items = customIds.map((customId) => ({ customId, body: { model: 'someone-else', messages: [] } }));
    const batch: LoopbackBatch = {
      id,
      provider,
      index,
      createdAt: options.createdAt ?? Date.now(),
      items,
      metadata: options.metadata ?? null,
      inputFileId: null,
      polls: 0,
      cancelRequested: false,
      failure: null,
      outcomes: null,
      outputFileId: null,
      errorFileId: null,
    };
    this.batches.push(batch);
    return batch;
  }

  private fault(method: string, path: string): BatchFault | null {
    for (const rule of this.options.faults ?? []) {
      if (rule.method !== method || !rule.path.test(path)) continue;
      const seen = this.faultSeen.get(rule) ?? 0;
      this.faultSeen.set(rule, seen + 1);
      const skip = rule.skip ?? 0;
      if (seen < skip || (rule.times !== undefined && seen >= skip + rule.times)) continue;
      return rule;
    }
    return null;
  }

  private async routeWithFaults(
    method: string,
    path: string,
    request: RecordedRequest,
    raw: string,
    res: ServerResponse,
  ): Promise<void> {
    const parts = path.split('/').slice(2);
    const rule = this.fault(method, path);
    if (!rule) return this.route(method, parts, request, raw, res);
    const what = rule.reset
      ? 'reset'
      : rule.status !== undefined
        ? `status ${rule.status}`
        : `hold ${rule.delayMs ?? 0} ms`;
    request.behaviour = `batch ${method} ${path}: fault ${rule.phase} (${what})`;
    this.faultEvents.push({ method, path, phase: rule.phase, what });
    if (rule.phase === 'after') {
      // The request takes effect; its reply is captured and then replaced, held or dropped.
      const captured = new CapturedReply(res.req);
      await this.route(method, parts, request, raw, captured as unknown as ServerResponse);
      if (rule.delayMs) await holdUnlessGone(res, rule.delayMs);
      if (rule.reset) return void res.socket?.destroy();
      if (rule.status !== undefined) return faultReply(res, rule, request);
      return captured.forward(res);
    }
    if (rule.delayMs) await holdUnlessGone(res, rule.delayMs);
    // A client that went away during a hold never had its request read by the API: nothing happens.
    if (res.destroyed) return;
    if (rule.reset) return void res.socket?.destroy();
    if (rule.status !== undefined) return faultReply(res, rule, request);
    return this.route(method, parts, request, raw, res);
  }

  /** Lets held result streams (holdResultsAfter) finish. */
  releaseResults(): void {
    this.releaseHeld();
  }

  /** Waits for replies still being written, e.g. before closing the server. */
  async settled(): Promise<void> {
    this.releaseResults();
    await Promise.all(this.pending);
    this.pending = [];
  }

  private async route(
    method: string,
    parts: string[],
    request: RecordedRequest,
    raw: string,
    res: ServerResponse,
  ): Promise<void> {
    const [first, second, third, fourth] = parts;
    const host = String(request.headers.host);
    if (first === 'files' && method === 'POST' && !second) return this.upload(request, raw, res);
    if (first === 'files' && method === 'GET' && third === 'content')
      return this.stream(res, this.files.get(second!)?.content ?? null);
    if (first === 'batches' && method === 'POST' && !second) return this.createOpenAI(request.body, res);
    if (first === 'batches' && method === 'GET' && !second) return this.list('openai', request, res);
    if (first === 'messages' && second === 'batches') {
      if (method === 'POST' && !third) return this.createAnthropic(request.body, res);
      if (method === 'GET' && !third) return this.list('anthropic', request, res);
      const batch = this.find(third, 'anthropic', res);
      if (!batch) return;
      if (method === 'GET' && !fourth) return send(res, 200, anthropicBatchObject(this.advance(batch), host));
      if (method === 'POST' && fourth === 'cancel')
        return send(res, 200, anthropicBatchObject(this.cancel(batch), host));
      if (method === 'GET' && fourth === 'results') {
        if (!batch.outcomes)
          return send(res, 400, {
            type: 'error',
            error: { type: 'invalid_request_error', message: 'batch has not ended' },
          });
        const lines = batch.items.map((item, n) =>
          JSON.stringify(anthropicResultLine(item, n, batch.outcomes!.get(item.customId)!)),
        );
        return this.stream(res, withExtraLines(lines, this.options.extraResultLines?.(batch) ?? []).join('\n'));
      }
    }
    if (first === 'batches' && second) {
      const batch = this.find(second, 'openai', res);
      if (!batch) return;
      if (method === 'GET' && !third) return send(res, 200, openAIBatchObject(this.advance(batch)));
      if (method === 'POST' && third === 'cancel') return send(res, 200, openAIBatchObject(this.cancel(batch)));
    }
    send(res, 404, { error: { message: `loopback: no batch route ${method} /${parts.join('/')}` } });
  }

  /** Newest first, `limit` per page, cursor `after` (OpenAI) or `after_id` (Anthropic), as the real APIs page. */
  private list(provider: 'openai' | 'anthropic', request: RecordedRequest, res: ServerResponse): void {
    // The recorded path has no query string; the request object still has it.
    const query = new URL(res.req?.url ?? '/', 'http://loopback').searchParams;
    const all = [...this.batches].reverse().filter((b) => b.provider === provider);
    const limit = Math.max(1, Math.min(100, Number(query.get('limit') ?? 20)));
    const after = query.get(provider === 'openai' ? 'after' : 'after_id');
    const start = after ? all.findIndex((b) => b.id === after) + 1 : 0;
    const page = all.slice(start, start + limit);
    const host = String(request.headers.host);
    const data = page.map((b) => (provider === 'openai' ? openAIBatchObject(b) : anthropicBatchObject(b, host)));
    send(res, 200, {
      ...(provider === 'openai' ? { object: 'list' } : {}),
      data,
      first_id: page[0]?.id ?? null,
      last_id: page.at(-1)?.id ?? null,
      has_more: start + limit < all.length,
    });
  }

  private async upload(request: RecordedRequest, raw: string, res: ServerResponse): Promise<void> {
    const form = await new Response(raw, {
      headers: { 'content-type': String(request.headers['content-type']) },
    }).formData();
    const file = form.get('file');
    if (!(file instanceof Blob)) return send(res, 400, { error: { message: 'multipart upload without a file part' } });
    const id = `file-loopback-${this.files.size}`;
    const filename = (file as File).name ?? 'upload';
    this.files.set(id, { filename, purpose: String(form.get('purpose')), content: await file.text() });
    send(res, 200, {
      id,
      object: 'file',
      bytes: file.size,
      created_at: 1_700_000_000,
      filename,
      purpose: String(form.get('purpose')),
      status: 'processed',
    });
  }

  private createOpenAI(body: any, res: ServerResponse): void {
    const file = this.files.get(body?.input_file_id);
    if (file?.purpose !== 'batch')
      return send(res, 400, { error: { message: `no batch input file ${JSON.stringify(body?.input_file_id)}` } });
    const items: LoopbackBatchItem[] = [];
    for (const line of file.content.split('\n').filter(Boolean)) {
      const parsed = JSON.parse(line);
      if (parsed.method !== 'POST' || parsed.url !== body.endpoint)
        return send(res, 400, { error: { message: `request line with method ${parsed.method} url ${parsed.url}` } });
      items.push({ customId: parsed.custom_id, body: parsed.body });
    }
    const batch = this.add('openai', items, body?.metadata ?? null, body.input_file_id, res);
    if (batch) send(res, 200, openAIBatchObject(batch));
  }

  private createAnthropic(body: any, res: ServerResponse): void {
    const requests: any[] = Array.isArray(body?.requests) ? body.requests : [];
    if (requests.some((r) => !Number.isInteger(r?.params?.max_tokens)))
      return send(res, 400, {
        type: 'error',
        error: { type: 'invalid_request_error', message: 'params.max_tokens: field required' },
      });
    const batch = this.add(
      'anthropic',
      requests.map((r) => ({ customId: r.custom_id, body: r.params })),
      null,
      null,
      res,
    );
    if (batch) send(res, 200, anthropicBatchObject(batch, 'unused'));
  }

  private add(
    provider: 'openai' | 'anthropic',
    items: LoopbackBatchItem[],
    metadata: Record<string, string> | null,
    inputFileId: string | null,
    res: ServerResponse,
  ): LoopbackBatch | null {
    const ids = items.map((i) => i.customId);
    const bad = ids.find((id) => typeof id !== 'string' || !CUSTOM_ID.test(id));
    if (items.length === 0 || bad !== undefined || new Set(ids).size !== ids.length) {
      send(res, 400, {
        error: {
          type: 'invalid_request_error',
          message:
            items.length === 0
              ? 'no requests'
              : bad !== undefined
                ? `invalid custom_id ${JSON.stringify(bad)}`
                : 'duplicate custom_id in batch',
        },
      });
      return null;
    }
    const index = this.batches.length;
    const id = provider === 'openai' ? `batch_loopback_${index}` : `msgbatch_loopback_${index}`;
    const batch: LoopbackBatch = {
      id,
      provider,
      index,
      createdAt: Date.now(),
      items,
      metadata,
      inputFileId,
      polls: 0,
      cancelRequested: false,
      failure: null,
      outcomes: null,
      outputFileId: null,
      errorFileId: null,
    };
    batch.failure = provider === 'openai' ? (this.options.failBatch?.(batch) ?? null) : null;
    this.batches.push(batch);
    return batch;
  }

  private find(id: string | undefined, provider: 'openai' | 'anthropic', res: ServerResponse): LoopbackBatch | null {
    const batch = this.batches.find((b) => b.id === id && b.provider === provider);
    if (!batch) send(res, 404, { error: { type: 'not_found_error', message: `no batch ${JSON.stringify(id)}` } });
    return batch ?? null;
  }

  private advance(batch: LoopbackBatch): LoopbackBatch {
    if (batch.outcomes || batch.failure) return batch;
    batch.polls++;
    if (batch.cancelRequested) this.end(batch, () => 'cancelled');
    else if (batch.polls >= (this.options.pollsToEnd ?? 2)) {
      const answer = this.options.answer ?? (() => ok('C'));
      this.end(batch, (item) =>
        answer({
          provider: batch.provider,
          batch,
          customId: item.customId,
          body: item.body,
          attempt: this.attemptOf(item.customId, batch),
        }),
      );
    }
    return batch;
  }

  private cancel(batch: LoopbackBatch): LoopbackBatch {
    if (!batch.outcomes && !batch.failure) batch.cancelRequested = true;
    return batch;
  }

  private end(batch: LoopbackBatch, outcome: (item: LoopbackBatchItem) => ItemOutcome | 'cancelled'): void {
    batch.outcomes = new Map(batch.items.map((item) => [item.customId, outcome(item)]));
    if (batch.provider === 'anthropic') return;
    const lines = batch.items.map((item, n) => openAIResultLine(batch, item, n, batch.outcomes!.get(item.customId)!));
    const store = (error: boolean) => {
      const own = lines.filter((l) => l.error === error).map((l) => JSON.stringify(l.line));
      const content = (error ? own : withExtraLines(own, this.options.extraResultLines?.(batch) ?? [])).join('\n');
      if (!content) return null;
      const id = `file-loopback-${this.files.size}`;
      this.files.set(id, {
        filename: `${batch.id}_${error ? 'error' : 'output'}.jsonl`,
        purpose: 'batch_output',
        content: `${content}\n`,
      });
      return id;
    };
    batch.outputFileId = store(false);
    batch.errorFileId = store(true);
  }

  /** How many batches up to and including this one held the custom_id. */
  private attemptOf(customId: string, batch: LoopbackBatch): number {
    return this.batches.slice(0, batch.index + 1).filter((b) => b.items.some((i) => i.customId === customId)).length;
  }

  private async stream(res: ServerResponse, content: string | null): Promise<void> {
    if (content === null) return send(res, 404, { error: { message: 'no such file' } });
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const delay = this.options.resultLineDelayMs ?? 0;
    const holdAfter = this.options.holdResultsAfter;
    if (delay === 0 && holdAfter === undefined) return void res.end(content.endsWith('\n') ? content : `${content}\n`);
    let sent = 0;
    for (const line of content.split('\n').filter(Boolean)) {
      if (sent === holdAfter) await this.held;
      if (res.destroyed) return;
      res.write(`${line}\n`);
      sent++;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    }
    res.end();
  }
}

/** Extra lines go after the first real one, so a reader meets them mid-stream. */
function withExtraLines(lines: string[], extra: string[]): string[] {
  return extra.length === 0 ? lines : [...lines.slice(0, 1), ...extra, ...lines.slice(1)];
}

async function holdUnlessGone(res: ServerResponse, ms: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    res.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function faultReply(res: ServerResponse, rule: BatchFault, request: RecordedRequest): void {
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (rule.retryAfter !== undefined) headers['retry-after'] = String(rule.retryAfter);
  res.writeHead(rule.status!, headers);
  const message = `loopback scripted ${rule.status} (${rule.phase})`;
  res.end(
    JSON.stringify(
      /\/messages\//.test(request.path)
        ? {
            type: 'error',
            error: {
              type:
                rule.status! >= 500 ? 'api_error' : rule.status === 429 ? 'rate_limit_error' : 'invalid_request_error',
              message,
            },
          }
        : { error: { message, type: 'server_error' } },
    ),
  );
}

/** Stands in for the response while an `after` fault decides what the client really gets. */
class CapturedReply {
  constructor(readonly req: IncomingMessage | undefined) {}

  destroyed = false;
  headersSent = false;
  private status = 200;
  private headers: Record<string, string> = {};
  private readonly chunks: string[] = [];

  writeHead(status: number, headers: Record<string, string> = {}): this {
    this.status = status;
    this.headers = headers;
    this.headersSent = true;
    return this;
  }

  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }

  end(chunk?: string): this {
    if (chunk !== undefined) this.chunks.push(chunk);
    return this;
  }

  forward(res: ServerResponse): void {
    if (res.destroyed || res.headersSent) return;
    res.writeHead(this.status, this.headers);
    res.end(this.chunks.join(''));
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
