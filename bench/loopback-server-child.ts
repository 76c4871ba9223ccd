// Runs test/loopback/server.ts in its own process for bench (e), so the server's work does not
// share the event loop (or the core) with the client being measured. Protocol on stdio, one
// JSON line each: it prints {"url"} once started, answers a "stats" line with
// {"requests","maxInFlight"}, and exits when stdin closes.
import { createInterface } from 'node:readline';
import { delay, ok, startLoopbackServer } from '../test/loopback/server.js';

const latency = Number(process.argv[2]);
const server = await startLoopbackServer({ fallback: delay(latency, ok('C')) });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === 'stats')
    process.stdout.write(`${JSON.stringify({ requests: server.requests.length, maxInFlight: server.maxInFlight })}\n`);
});
lines.on('close', () => {
  void server.close().then(() => process.exit(0));
});
