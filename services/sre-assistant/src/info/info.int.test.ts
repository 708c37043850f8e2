import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../test/database';
import { controlPlaneAudience, startControlPlaneDouble } from '../../test/control-plane-double';
import { closedPortUrl, type LocalServer } from '../../test/http-server';
import { createTestApp } from '../../test/test-app';
import { startTokenIssuer, type TokenIssuer } from '../../test/token-issuer';
import { createControlPlaneClient } from '../integrations/control-plane.client';

const assistantSecret = 'dev-sre-assistant-secret';

describe('GET /info', () => {
  let database: TestDatabase;
  let issuer: TokenIssuer;
  let controlPlane: LocalServer;
  let bearer: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    issuer = await startTokenIssuer({ 'sre-assistant': assistantSecret });
    controlPlane = await startControlPlaneDouble(issuer.issuer);
    bearer = `Bearer ${await issuer.accessToken({ clientId: 'control-plane', scope: 'assistant.read openid assistant.diagnose' })}`;
  });
  afterAll(async () => {
    await controlPlane.close();
    await issuer.close();
    await database.drop();
  });

  const appReaching = (baseUrl: string, clientSecret = assistantSecret) =>
    createTestApp({
      db: database.db,
      issuer: issuer.issuer,
      controlPlane: createControlPlaneClient({
        baseUrl,
        audience: controlPlaneAudience,
        issuerUrl: issuer.issuer,
        clientId: 'sre-assistant',
        clientSecret,
        allowInsecureRequests: true,
        timeoutMs: 1_000,
      }),
    });

  it('names the service, the caller with its sorted scopes, and a working control-plane link', async () => {
    const response = await request(appReaching(controlPlane.url)).get('/info').set('Authorization', bearer);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      service: 'sre-assistant',
      version: '0.1.0',
      caller: { clientId: 'control-plane', scopes: ['assistant.diagnose', 'assistant.read', 'openid'] },
      controlPlane: { status: 'ok', detail: 'control-plane 0.1.0 accepted the assistant as client sre-assistant' },
    });
  });

  it('reports an unreachable control plane instead of failing', async () => {
    const url = await closedPortUrl();
    const response = await request(appReaching(url)).get('/info').set('Authorization', bearer);
    expect(response.status).toBe(200);
    expect(response.body.controlPlane).toEqual({ status: 'unreachable', detail: `the control plane at ${url} could not be reached (ECONNREFUSED)` });
  });

  it('reports refused client credentials as unauthorized', async () => {
    const response = await request(appReaching(controlPlane.url, 'wrong-secret')).get('/info').set('Authorization', bearer);
    expect(response.status).toBe(200);
    expect(response.body.controlPlane).toEqual({ status: 'unauthorized', detail: "the token issuer refused the assistant's token request with 401 (invalid_client)" });
  });

  it('reports not_configured when the assistant has no client secret', async () => {
    const app = createTestApp({ db: database.db, issuer: issuer.issuer });
    const response = await request(app).get('/info').set('Authorization', bearer);
    expect(response.status).toBe(200);
    expect(response.body.controlPlane).toEqual({
      status: 'not_configured',
      detail: 'ASSISTANT_CLIENT_SECRET is not set, so the assistant cannot get a token for the control plane',
    });
  });

  it('needs the assistant.read scope', async () => {
    const token = await issuer.accessToken({ clientId: 'control-plane', scope: 'assistant.execute' });
    const response = await request(createTestApp({ db: database.db, issuer: issuer.issuer })).get('/info').set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(403);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="sre-assistant", error="insufficient_scope", scope="assistant.read"');
  });
});
