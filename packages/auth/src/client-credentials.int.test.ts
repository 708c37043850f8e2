import { generateKeyPairSync, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { Provider } from 'oidc-provider';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { failureOf } from '../../../test/upstream-failure';
import { createTokenSource, type TokenSourceOptions } from './client-credentials';

const client = { clientId: 'reader', clientSecret: 'reader-secret' };
const resource = 'urn:test:api';

interface LocalServer {
  url: string;
  close(): Promise<void>;
}

async function listenLocally(handler: http.RequestListener): Promise<LocalServer> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// A real OpenID provider (oidc-provider, what the development identity provider runs) that
// grants client credentials to one client and mints JWTs for one API.
async function startProvider(): Promise<LocalServer> {
  let handle: http.RequestListener = (_request, response) => response.writeHead(503).end();
  const server = await listenLocally((request, response) => handle(request, response));
  const signingKey = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
  const provider = new Provider(server.url, {
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: [],
        response_types: [],
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        getResourceServerInfo: () => ({ scope: 'api.read', audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 300, jwt: { sign: { alg: 'RS256' } } }),
      },
    },
    jwks: { keys: [signingKey] },
    ttl: { ClientCredentials: 300 },
  });
  handle = provider.callback();
  return server;
}

describe('client-credentials token source', () => {
  let provider: LocalServer;
  const scripted: LocalServer[] = [];

  beforeAll(async () => {
    provider = await startProvider();
  });
  afterEach(async () => {
    await Promise.all(scripted.splice(0).map((server) => server.close()));
  });
  afterAll(async () => {
    await provider.close();
  });

  const tokenSource = (overrides: Partial<TokenSourceOptions> = {}) =>
    createTokenSource({ issuer: provider.url, ...client, scope: 'api.read', resource, allowInsecureRequests: true, ...overrides });

  // An issuer that answers every request with `handler`, for the failures a real one rarely shows.
  const scriptedIssuer = async (handler: http.RequestListener) => {
    const server = await listenLocally(handler);
    scripted.push(server);
    return server.url;
  };

  it('gets a token for the API and reuses it until it nears expiry', async () => {
    const tokens = tokenSource();
    const token = await tokens();
    expect(decodeJwt(token)).toMatchObject({ aud: resource, client_id: client.clientId, scope: 'api.read' });
    // Each token the provider mints has its own jti: the same string means no second request.
    expect(await tokens()).toBe(token);
  });

  it('reports a refused client as auth, not retryable, naming the issuer and the OAuth error', async () => {
    const failure = await failureOf(tokenSource({ clientSecret: 'wrong' })());
    expect(failure).toMatchObject({ kind: 'auth', retryable: false, status: 401 });
    expect(failure.message).toBe(`the token issuer at ${provider.url} answered the token request of reader with 401 (invalid_client)`);
  });

  it('reports an unreachable issuer as unreachable, retryable', async () => {
    const closed = await listenLocally(() => {});
    await closed.close();
    const failure = await failureOf(tokenSource({ issuer: closed.url })());
    expect(failure).toMatchObject({ kind: 'unreachable', retryable: true, status: undefined });
    expect(failure.message).toBe(`the token issuer at ${closed.url} could not be reached (ECONNREFUSED)`);
  });

  it('reports an issuer that answers 503 as server, retryable', async () => {
    const issuer = await scriptedIssuer((_request, response) => response.writeHead(503, { 'content-type': 'text/html' }).end('<h1>Service Unavailable</h1>'));
    const failure = await failureOf(tokenSource({ issuer })());
    expect(failure).toMatchObject({ kind: 'server', retryable: true, status: 503 });
    expect(failure.message).toBe(`the token issuer at ${issuer} answered the token request of reader with 503`);
  });

  it('reports an issuer that does not answer within timeoutSeconds as timeout, retryable', async () => {
    const issuer = await scriptedIssuer(() => {
      // never answers
    });
    const failure = await failureOf(tokenSource({ issuer, timeoutSeconds: 1 })());
    expect(failure).toMatchObject({ kind: 'timeout', retryable: true, message: `the token issuer at ${issuer} did not answer within 1 s` });
  });

  it("stops waiting at the caller's deadline, and reports it as timeout", async () => {
    const issuer = await scriptedIssuer(() => {
      // never answers
    });
    const started = Date.now();
    const failure = await failureOf(tokenSource({ issuer })({ signal: AbortSignal.timeout(100) }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(failure).toMatchObject({ kind: 'timeout', retryable: true, message: `the token issuer at ${issuer} did not issue a token before the caller's deadline` });
  });
});
