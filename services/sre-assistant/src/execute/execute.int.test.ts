import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTaskWrites, insertAlert, startAssistant, type AssistantWithBearer } from '../../test/test-app';

describe('POST /execute', () => {
  let assistant: AssistantWithBearer;

  beforeAll(async () => {
    assistant = await startAssistant({ scope: 'assistant.execute assistant.read' });
  });
  afterAll(() => assistant.close());

  const execute = () => request(assistant.app).post('/execute').set('Authorization', assistant.bearer);

  it('queues an investigation with its context, linked to the alert it names, and audits it', async () => {
    const alertId = await insertAlert(assistant.database.db);
    const body = {
      question: 'Did the deploy at 03:05 cause this?',
      requestedBy: 'bob@example.com',
      context: { alertId, deviceId: randomUUID(), timeRange: { from: '2026-03-01T03:00:00Z', to: '2026-03-01T04:00:00+01:00' } },
    };
    const response = await execute().set('X-Request-Id', 'req-execute-1').send(body);

    expect(response.status).toBe(202);
    expect(response.headers.location).toBe(`/tasks/${response.body.id}`);
    expect(response.body).toMatchObject({ kind: 'execute', status: 'queued', alertId, links: { self: `/tasks/${response.body.id}` } });

    const task = await assistant.database.db.selectFrom('diagnosis_tasks').selectAll().where('id', '=', response.body.id).executeTakeFirstOrThrow();
    expect(task).toMatchObject({ kind: 'execute', alert_id: alertId, requested_by: 'bob@example.com', request: body });
    const audit = await assistant.database.db.selectFrom('audit_log').selectAll().where('target_id', '=', response.body.id).executeTakeFirstOrThrow();
    expect(audit).toMatchObject({
      actor: 'control-plane',
      actor_type: 'service',
      action: 'execute.requested',
      target_type: 'diagnosis_task',
      details: { question: body.question, context: body.context, requestedBy: 'bob@example.com' },
      request_id: 'req-execute-1',
    });
  });

  it('queues a bare question without an alert', async () => {
    const response = await execute().send({ question: 'Why is checkout slow since 14:00?' });
    expect(response.status).toBe(202);
    expect(response.body.alertId).toBeUndefined();
    const read = await request(assistant.app).get(`/tasks/${response.body.id}`).set('Authorization', assistant.bearer);
    expect(read.body).toEqual(response.body);
  });

  it('answers 404 when the context names an alert that does not exist, and writes nothing', async () => {
    const before = await countTaskWrites(assistant.database.db);
    const unknown = randomUUID();
    const response = await execute().send({ question: 'What happened?', context: { alertId: unknown } });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ type: 'urn:sre-platform:problem:not-found', detail: `no alert has the id ${unknown}` });
    expect(await countTaskWrites(assistant.database.db)).toEqual(before);
  });

  it.each([
    ['a missing question', {}, [{ path: 'question', message: 'is required' }]],
    ['a question over 2000 characters', { question: 'x'.repeat(2001) }, [{ path: 'question', message: 'Too big: expected string to have <=2000 characters' }]],
    ['a blank question', { question: '   ' }, [{ path: 'question', message: 'must not be blank' }]],
    ['a question that is not a string', { question: 42 }, [{ path: 'question', message: 'Invalid input: expected string, received number' }]],
    [
      'bad context fields',
      { question: 'Why?', context: { deviceId: 'web-1', timeRange: { from: 'yesterday', to: '2026-03-01T04:00:00Z' } } },
      [
        { path: 'context.deviceId', message: 'must be a UUID' },
        { path: 'context.timeRange.from', message: 'must be an RFC 3339 date-time with an offset, e.g. 2026-03-01T14:00:00Z' },
      ],
    ],
    [
      'a time range that ends before it starts',
      { question: 'Why?', context: { timeRange: { from: '2026-03-01T04:00:00Z', to: '2026-03-01T03:00:00Z' } } },
      [{ path: 'context.timeRange.to', message: 'must not be before from' }],
    ],
    [
      'a date-time without an offset',
      { question: 'Why?', context: { timeRange: { from: '2026-03-01T03:00:00', to: '2026-03-01T04:00:00Z' } } },
      [{ path: 'context.timeRange.from', message: 'must be an RFC 3339 date-time with an offset, e.g. 2026-03-01T14:00:00Z' }],
    ],
    ['an unknown field inside the context', { question: 'Why?', context: { timerange: {} } }, [{ path: 'context.timerange', message: 'is not a known field' }]],
  ])('answers 400 naming each failing field for %s', async (_case, body, errors) => {
    const response = await execute().send(body);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: 'urn:sre-platform:problem:validation-failed', instance: '/execute' });
    expect(response.body.errors).toEqual(errors);
  });

  it('answers 413 for a body over 32 KiB', async () => {
    const response = await execute().send({ question: 'x'.repeat(40 * 1024) });
    expect(response.status).toBe(413);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: 'urn:sre-platform:problem:payload-too-large', status: 413, detail: 'request bodies are limited to 32 KiB' });
  });
});
