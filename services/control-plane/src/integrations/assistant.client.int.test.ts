import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTokenSource, type TokenSourceOptions } from '@sre/auth';
import { createAssistantClient } from './assistant.client';

// Both ends are local HTTP servers speaking the real protocols: an OAuth issuer (discovery and
// the client-credentials token endpoint) that can stall, and an assistant that answers a status.
interface Local {
  url: string;
  server: http.Server;
}

async function listen(handler: http.RequestListener): Promise<Local> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const clientSecret = 'secret';

async function readBody(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const close = ({ server }: Local) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

describe('the assistant client: one deadline for the token and the call, and service-kit failure kinds', () => {
  let issuer: Local;
  let assistant: Local;
  let issuerStalls = false;
  let tokenRequests = 0;
  let assistantStatus = 200;

  beforeAll(async () => {
    issuer = await listen(async (request, response) => {
      if (request.url === '/.well-known/openid-configuration') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ issuer: issuer.url, token_endpoint: `${issuer.url}/token` }));
        return;
      }
      tokenRequests += 1;
      if (issuerStalls) return; // holds the connection open and never answers
      const form = new URLSearchParams(await readBody(request));
      if (form.get('client_secret') !== clientSecret) {
        response.writeHead(401, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'invalid_client', error_description: 'client authentication failed' }));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify({ access_token: `token-${tokenRequests}`, token_type: 'Bearer', expires_in: 1 }));
    });
    assistant = await listen((_request, response) => {
      response.writeHead(assistantStatus, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ service: 'sre-assistant', version: '0.0.0', caller: { clientId: 'control-plane', scopes: [] } }));
    });
  });
  afterAll(async () => {
    await close(assistant);
    await close(issuer);
  });
  afterEach(() => {
    issuerStalls = false;
    assistantStatus = 200;
  });

  const clientWith = (timeoutSeconds: number, tokenSource: Partial<TokenSourceOptions> = {}) =>
    createAssistantClient({
      baseUrl: assistant.url,
      timeoutMs: 400,
      tokens: createTokenSource({ issuer: issuer.url, clientId: 'control-plane', clientSecret, scope: 'assistant.read', allowInsecureRequests: true, timeoutSeconds, ...tokenSource }),
    });

  it('gives up on a stalled issuer at its own deadline, and asks again once the token request is let go', async () => {
    const client = clientWith(1);
    issuerStalls = true;
    const started = Date.now();
    const stalled = await client.info();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(stalled).toEqual({
      ok: false,
      failure: { kind: 'timeout', retryable: true, message: `no access token for the assistant: the token issuer at ${issuer.url} did not issue a token before the caller's deadline` },
    });

    // The token source dropped the stalled request after its 1 s; the issuer answers again.
    issuerStalls = false;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const requestsBefore = tokenRequests;
    expect(await client.info()).toMatchObject({ ok: true });
    expect(tokenRequests).toBe(requestsBefore + 1);
  });

  it('reports an issuer that is down as unreachable, worth retrying, not as refused credentials', async () => {
    const down = await listen(() => {});
    await close(down);
    expect(await clientWith(5, { issuer: down.url }).info()).toEqual({
      ok: false,
      failure: { kind: 'unreachable', retryable: true, message: `no access token for the assistant: the token issuer at ${down.url} could not be reached (ECONNREFUSED)` },
    });
  });

  it('reports an issuer that refuses our client as auth, not worth retrying', async () => {
    expect(await clientWith(5, { clientSecret: 'wrong' }).info()).toEqual({
      ok: false,
      failure: {
        kind: 'auth',
        retryable: false,
        message: `no access token for the assistant: the token issuer at ${issuer.url} answered the token request of control-plane with 401 (invalid_client)`,
      },
    });
  });

  it.each([
    [504, 'timeout', true],
    [408, 'timeout', true],
    [503, 'server', true],
    [429, 'rate_limited', true],
    [403, 'auth', false],
  ] as const)('classifies a %i from the assistant as %s', async (status, kind, retryable) => {
    assistantStatus = status;
    expect(await clientWith(5).info()).toEqual({ ok: false, failure: { kind, retryable, message: expect.stringContaining(String(status === 429 ? 'rate limiting' : status)) } });
  });
});
