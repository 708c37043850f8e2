import request from 'supertest';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '@sre/db';
import { closedPortUrl } from '../test/http-server';
import { createTestApp, startAssistant, type AssistantWithBearer } from '../test/test-app';

describe('the assistant app', () => {
  let assistant: AssistantWithBearer;

  beforeAll(async () => {
    assistant = await startAssistant({ scope: 'assistant.execute assistant.read' });
  });
  afterAll(() => assistant.close());

  it('serves the probes without a token, readiness checking the database', async () => {
    const live = await request(assistant.app).get('/healthz');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });
    const ready = await request(assistant.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { database: 'ok' } });
  });

  it('serves Prometheus metrics labelled by route template, not raw path', async () => {
    await request(assistant.app).get('/tasks/00000000-0000-4000-8000-000000000000').set('Authorization', assistant.bearer);
    const response = await request(assistant.app).get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.text).toMatch(/http_requests_total\{method="GET",route="\/tasks\/:id",status="404",service="sre-assistant"\} 1/);
  });

  it('echoes a well-formed X-Request-Id and puts it in problems', async () => {
    const response = await request(assistant.app).get('/nowhere').set('Authorization', assistant.bearer).set('X-Request-Id', 'trace-42');
    expect(response.headers['x-request-id']).toBe('trace-42');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toEqual({
      type: 'urn:sre-platform:problem:not-found',
      title: 'Not found',
      status: 404,
      detail: 'no route for GET /nowhere',
      instance: '/nowhere',
      requestId: 'trace-42',
    });
  });

  describe('with the database down', () => {
    let broken: Express;
    let brokenDb: ReturnType<typeof createDb>;

    beforeAll(async () => {
      brokenDb = createDb({ connectionString: `postgres://sre:secret@${new URL(await closedPortUrl()).host}/sre`, maxConnections: 1 });
      broken = createTestApp({ db: brokenDb, issuer: assistant.issuer.issuer, taskQueue: assistant.taskQueue });
    });
    afterAll(async () => {
      await brokenDb.destroy();
    });

    it('is not ready', async () => {
      const response = await request(broken).get('/readyz');
      expect(response.status).toBe(503);
      expect(response.body).toEqual({ status: 'unavailable', checks: { database: 'failing' } });
    });

    it('answers an unexpected failure with a 500 problem that names only the request id', async () => {
      const response = await request(broken).post('/execute').set('Authorization', assistant.bearer).send({ question: 'Why?' });
      expect(response.status).toBe(500);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toEqual({
        type: 'urn:sre-platform:problem:internal',
        title: 'Internal server error',
        status: 500,
        instance: '/execute',
        requestId: response.headers['x-request-id'],
      });
      expect(response.text).not.toMatch(/ECONNREFUSED|postgres|secret/);
    });
  });
});
