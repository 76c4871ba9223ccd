import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoopbackBatches } from './batch-routes.js';
import { describeBehaviour, type Behaviour, type RecordedRequest } from './behaviours.js';
import {
  anthropicEmpty,
  anthropicOk,
  errorBody,
  openAIEmpty,
  openAIOk,
  wireFormatOf,
  type WireFormat,
} from './wire.js';

export * from './behaviours.js';

export type LoopbackOptions = {
  /**
   * Answer for requests no script covers. Default: a 500 with `x-should-retry: false`, so an unscripted request is
   * loud, not retried.
   */
  fallback?: Behaviour | ((request: RecordedRequest) => Behaviour);
  /** OpenAI files/batches and Anthropic message-batches endpoints (batch-routes.ts). */
  batches?: LoopbackBatches;
};

export type LoopbackServer = {
  /** `http://127.0.0.1:<port>`; OpenAI-compatible clients use `${url}/v1`, Anthropic clients `url`. */
  url: string;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** Queue behaviours for the next requests, first in first out. */
  script(...behaviours: Behaviour[]): void;
  /** Queue behaviours for requests matching `match`; routed queues are tried before the global one. */
  when(match: (request: RecordedRequest) => boolean, ...behaviours: Behaviour[]): void;
  /** Most requests that were being answered at the same time. */
  readonly maxInFlight: number;
  /** Scripted behaviours not yet used (global and routed), to check a script ran to its end. */
  readonly pending: number;
  close(): Promise<void>;
};

const UNSCRIPTED: Behaviour = {
  kind: 'status',
  status: 500,
  shouldRetry: false,
  message: 'loopback: no scripted behaviour left for this request',
};

/**
 * A deterministic stand-in for OpenAI's chat-completions and Anthropic's messages endpoints on
 * 127.0.0.1, with scripted faults and latency. Nothing here touches the network beyond loopback.
 */
export async function startLoopbackServer(options: LoopbackOptions = {}): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = [];
  const queue: Behaviour[] = [];
  const routes: { match: (r: RecordedRequest) => boolean; queue: Behaviour[] }[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let maxInFlight = 0;

  const next = (request: RecordedRequest): Behaviour => {
    for (const route of routes) if (route.queue.length && route.match(request)) return route.queue.shift()!;
    if (queue.length) return queue.shift()!;
    const fallback = options.fallback ?? UNSCRIPTED;
    return typeof fallback === 'function' ? fallback(request) : fallback;
  };

  const server = createServer((req, res) => {
    readBody(req)
      .then((raw) => {
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          body = undefined;
        }
        const request: RecordedRequest = {
          index: requests.length,
          method: req.method ?? '',
          path: (req.url ?? '').split('?')[0]!,
          headers: req.headers,
          body,
          behaviour: '',
        };
        requests.push(request);
        if (options.batches?.handle(request, raw, res)) return;
        const format = req.method === 'POST' ? wireFormatOf(request.path) : null;
        if (!format) {
          request.behaviour = 'not found';
          return send(res, 404, { error: { message: `loopback: no route ${req.method} ${request.path}` } });
        }
        const behaviour = next(request);
        request.behaviour = describeBehaviour(behaviour);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        res.on('close', () => inFlight--);
        respond(res, format, behaviour, request);
      })
      .catch((err: unknown) =>
        send(res, 500, { error: { message: `loopback script failed: ${String(err)}` } }, { 'x-should-retry': 'false' }),
      );
  });

  const respond = (res: ServerResponse, format: WireFormat, behaviour: Behaviour, request: RecordedRequest): void => {
    switch (behaviour.kind) {
      case 'ok':
        return send(res, 200, format === 'openai' ? openAIOk(behaviour, request) : anthropicOk(behaviour, request));
      case 'empty-choices':
        return send(res, 200, format === 'openai' ? openAIEmpty(request) : anthropicEmpty(request));
      case 'status': {
        const message =
          typeof behaviour.message === 'function'
            ? behaviour.message(request)
            : (behaviour.message ?? `loopback scripted ${behaviour.status}`);
        const headers: Record<string, string> = {};
        if (behaviour.retryAfter !== undefined) headers['retry-after'] = String(behaviour.retryAfter);
        if (behaviour.retryAfterMs !== undefined) headers['retry-after-ms'] = String(behaviour.retryAfterMs);
        if (behaviour.shouldRetry !== undefined) headers['x-should-retry'] = String(behaviour.shouldRetry);
        return send(res, behaviour.status, errorBody(format, behaviour.status, message), headers);
      }
      case 'delay': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) respond(res, format, behaviour.then, request);
        }, behaviour.ms);
        timers.add(timer);
        // A client that gave up (timeout) closes the socket: drop the pending answer with it.
        res.on('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
        });
        return;
      }
      case 'reset':
        res.socket?.destroy();
        return;
      case 'reset-mid-body': {
        const body = JSON.stringify(
          format === 'openai' ? openAIOk(behaviour.then, request) : anthropicOk(behaviour.then, request),
        );
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
        // Flushed before the reset, so the client has the status and headers and part of the body.
        res.write(body.slice(0, Math.floor(body.length / 2)), () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      }
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "chatcmpl-loopback", "choices": [{"index": 0, "message": {"content": "C"');
        return;
    }
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...behaviours) => void queue.push(...behaviours),
    when: (match, ...behaviours) => void routes.push({ match, queue: [...behaviours] }),
    get maxInFlight() {
      return maxInFlight;
    },
    get pending() {
      return queue.length + routes.reduce((sum, route) => sum + route.queue.length, 0);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
