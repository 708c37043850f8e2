import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assistantClientSecret, controlPlaneClientOptions, startControlPlaneDouble } from '../../test/control-plane-double';
import { closedPortUrl, type LocalServer } from '../../test/http-server';
import { createTestApp, startAssistant, type AssistantWithBearer } from '../../test/test-app';
import { createControlPlaneClient } from '../integrations/control-plane.client';

describe('GET /info', () => {
  let assistant: AssistantWithBearer;
  let controlPlane: LocalServer;

  beforeAll(async () => {
    assistant = await startAssistant({ scope: 'assistant.read openid assistant.diagnose', clients: { 'sre-assistant': assistantClientSecret } });
    controlPlane = await startControlPlaneDouble(assistant.issuer.issuer);
  });
  afterAll(async () => {
    await controlPlane.close();
    await assistant.close();
  });

  const appReaching = (baseUrl: string, clientSecret = assistantClientSecret) =>
    createTestApp({
      db: assistant.database.db,
      issuer: assistant.issuer.issuer,
      taskQueue: assistant.taskQueue,
      controlPlane: createControlPlaneClient({ ...controlPlaneClientOptions(assistant.issuer.issuer, baseUrl), clientSecret }),
    });

  it('names the service, the caller with its sorted scopes, and a working control-plane link', async () => {
    const response = await request(appReaching(controlPlane.url)).get('/info').set('Authorization', assistant.bearer);
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
    const response = await request(appReaching(url)).get('/info').set('Authorization', assistant.bearer);
    expect(response.status).toBe(200);
    expect(response.body.controlPlane).toEqual({ status: 'unreachable', detail: `the control plane at ${url} could not be reached (ECONNREFUSED)` });
  });

  it('reports refused client credentials as unauthorized', async () => {
    const response = await request(appReaching(controlPlane.url, 'wrong-secret')).get('/info').set('Authorization', assistant.bearer);
    expect(response.status).toBe(200);
    expect(response.body.controlPlane).toEqual({ status: 'unauthorized', detail: `the token issuer at ${assistant.issuer.issuer} answered the token request of sre-assistant with 401 (invalid_client)` });
  });

  it('reports not_configured when the assistant has no client secret', async () => {
    const response = await request(assistant.app).get('/info').set('Authorization', assistant.bearer);
    expect(response.status).toBe(200);
    expect(response.body.controlPlane).toEqual({
      status: 'not_configured',
      detail: 'ASSISTANT_CLIENT_SECRET is not set, so the assistant cannot get a token for the control plane',
    });
  });

  it('needs the assistant.read scope', async () => {
    const token = await assistant.issuer.accessToken({ clientId: 'control-plane', scope: 'assistant.execute' });
    const response = await request(assistant.app).get('/info').set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(403);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="sre-assistant", error="insufficient_scope", scope="assistant.read"');
  });
});
