import type { ProviderResponse } from 'promptfoo';
import { afterEach, beforeEach } from 'vitest';
import { readEnvelope, type SampleEnvelope } from '../../src/answers/samples/envelope.js';
import { startLoopbackServer, type LoopbackServer } from '../loopback/server.js';

/**
 * A fresh loopback server for every test, handed to `use` before the test runs, and the test key
 * in the environment variable the provider configs name.
 */
export function useLoopbackServer(keyEnv: string, key: string, use: (server: LoopbackServer) => void): void {
  let server: LoopbackServer | undefined;
  beforeEach(async () => {
    server = await startLoopbackServer();
    use(server);
    process.env[keyEnv] = key;
  });
  afterEach(async () => {
    await server?.close();
  });
}

/** The provider's own metadata on a response. */
export const stratalignMeta = (r: ProviderResponse) => r.metadata?.stratalign as Record<string, any>;

export function envelopeOf(r: ProviderResponse): SampleEnvelope {
  const read = readEnvelope(r.output as string);
  if (read.kind !== 'envelope') throw new Error(`not an envelope: ${JSON.stringify(r)}`);
  return read.envelope;
}
