import type http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assistantClientSecret, controlPlaneClientOptions, startControlPlaneDouble } from '../../test/control-plane-double';
import { closedPortUrl, listenLocally, sendJson, type LocalServer } from '../../test/http-server';
import { startTokenIssuer, type TokenIssuer } from '../../test/token-issuer';
import { createControlPlaneClient, type ControlPlaneClientOptions } from './control-plane.client';
import { UpstreamError } from '@sre/service-kit';

describe('control plane client', () => {
  let issuer: TokenIssuer;
  let controlPlane: LocalServer;
  const scripted: LocalServer[] = [];

  beforeAll(async () => {
    issuer = await startTokenIssuer({ 'sre-assistant': assistantClientSecret });
    controlPlane = await startControlPlaneDouble(issuer.issuer);
  });
  afterEach(async () => {
    await Promise.all(scripted.splice(0).map((server) => server.close()));
  });
  afterAll(async () => {
    await controlPlane.close();
    await issuer.close();
  });

  const clientFor = (baseUrl: string, overrides: Partial<ControlPlaneClientOptions> = {}) =>
    createControlPlaneClient({ ...controlPlaneClientOptions(issuer.issuer, baseUrl), ...overrides });

  // A control plane that answers every request with `handler`, for the failures the real one rarely shows.
  const scriptedControlPlane = async (handler: http.RequestListener) => {
    const server = await listenLocally(handler);
    scripted.push(server);
    return server.url;
  };

  const failureOf = async (promise: Promise<unknown>): Promise<UpstreamError> => {
    const error = await promise.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    return error as UpstreamError;
  };

  it('calls GET /api/v1/info with a client-credentials token for the control plane audience and scope', async () => {
    const info = await clientFor(controlPlane.url).getInfo();
    expect(info).toEqual({ service: 'control-plane', version: '0.1.0', caller: { clientId: 'sre-assistant', scopes: ['controlplane.read'] } });
  });

  it('reuses its token until it nears expiry', async () => {
    const client = clientFor(controlPlane.url);
    const before = issuer.tokensIssued();
    await client.getInfo();
    await client.getInfo();
    expect(issuer.tokensIssued() - before).toBe(1);
  });

  it('classifies refused client credentials as auth, not retryable', async () => {
    const failure = await failureOf(clientFor(controlPlane.url, { clientSecret: 'wrong' }).getInfo());
    expect(failure).toMatchObject({ kind: 'auth', retryable: false, status: 401 });
    expect(failure.message).toBe("the token issuer refused the assistant's token request with 401 (invalid_client)");
  });

  it('classifies an unreachable issuer as unreachable, retryable', async () => {
    const failure = await failureOf(clientFor(controlPlane.url, { issuerUrl: `${await closedPortUrl()}/realms/sre` }).getInfo());
    expect(failure).toMatchObject({ kind: 'unreachable', retryable: true });
    expect(failure.message).toMatch(/^the token issuer at http:\/\/127\.0\.0\.1:\d+\/realms\/sre could not be reached \(ECONNREFUSED\)$/);
  });

  it('classifies an unreachable control plane as unreachable, retryable', async () => {
    const url = await closedPortUrl();
    const failure = await failureOf(clientFor(url).getInfo());
    expect(failure).toMatchObject({ kind: 'unreachable', retryable: true });
    expect(failure.message).toBe(`the control plane at ${url} could not be reached (ECONNREFUSED)`);
  });

  it('classifies a control plane that refuses the token as auth', async () => {
    const url = await scriptedControlPlane((_request, response) => sendJson(response, 401, { title: 'Authentication required' }));
    const failure = await failureOf(clientFor(url).getInfo());
    expect(failure).toMatchObject({ kind: 'auth', retryable: false, status: 401, message: 'the control plane answered 401 to GET /api/v1/info' });
  });

  it.each([
    [429, 'rate_limited', true],
    [404, 'client', false],
    [500, 'server', true],
    [503, 'server', true],
  ])('classifies an answer of %i as %s (retryable: %s)', async (status, kind, retryable) => {
    const url = await scriptedControlPlane((_request, response) => sendJson(response, status, { title: 'scripted' }));
    const failure = await failureOf(clientFor(url).getInfo());
    expect(failure).toMatchObject({ kind, retryable, status });
  });

  it('classifies a control plane that does not answer in time as timeout, retryable', async () => {
    const url = await scriptedControlPlane(() => {
      // never answers
    });
    const started = Date.now();
    const failure = await failureOf(clientFor(url, { timeoutMs: 200 }).getInfo());
    expect(failure).toMatchObject({ kind: 'timeout', retryable: true, message: 'the control plane did not answer GET /api/v1/info within 200 ms' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses an answer that does not match the control plane contract', async () => {
    const url = await scriptedControlPlane((_request, response) => sendJson(response, 200, { service: 'control-plane' }));
    const failure = await failureOf(clientFor(url).getInfo());
    expect(failure).toMatchObject({ kind: 'server', retryable: false });
    expect(failure.message).toMatch(/^the control plane answered GET \/api\/v1\/info with an unexpected body: .*version/s);
  });
});
