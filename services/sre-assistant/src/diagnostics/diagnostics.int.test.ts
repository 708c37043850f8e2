import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTaskWrites, insertAlert, jobsOfTask, startAssistant, type AssistantWithBearer } from '../../test/test-app';

describe('POST /diagnostics/alert', () => {
  let assistant: AssistantWithBearer;

  beforeAll(async () => {
    assistant = await startAssistant({ scope: 'assistant.diagnose assistant.read' });
  });
  afterAll(() => assistant.close());

  const diagnose = () => request(assistant.app).post('/diagnostics/alert').set('Authorization', assistant.bearer);

  it('queues a diagnosis: 202, Location, the task, and its task row and audit entry in the database', async () => {
    const alertId = await insertAlert(assistant.database.db);
    const response = await diagnose().set('X-Request-Id', 'req-diagnose-1').send({ alertId, requestedBy: 'alice@example.com' });

    expect(response.status).toBe(202);
    const taskId: string = response.body.id;
    expect(response.headers.location).toBe(`/tasks/${taskId}`);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      kind: 'alert',
      status: 'queued',
      createdAt: expect.any(String),
      alertId,
      links: { self: `/tasks/${taskId}` },
    });

    const task = await assistant.database.db.selectFrom('diagnosis_tasks').selectAll().where('id', '=', taskId).executeTakeFirstOrThrow();
    expect(task).toMatchObject({
      kind: 'alert',
      status: 'queued',
      alert_id: alertId,
      requested_by: 'alice@example.com',
      request: { alertId, requestedBy: 'alice@example.com' },
    });
    expect(task.created_at.toISOString()).toBe(response.body.createdAt);
    // Committed with the task: the workers will see it.
    expect(await jobsOfTask(assistant.database.db, taskId)).toEqual([{ name: 'diagnosis', state: 'created' }]);

    const audit = await assistant.database.db.selectFrom('audit_log').selectAll().where('target_id', '=', taskId).execute();
    expect(audit).toEqual([
      expect.objectContaining({
        actor: 'control-plane',
        actor_type: 'service',
        action: 'diagnosis.requested',
        target_type: 'diagnosis_task',
        details: { alertId, requestedBy: 'alice@example.com' },
        request_id: 'req-diagnose-1',
      }),
    ]);

    const read = await request(assistant.app).get(response.headers.location!).set('Authorization', assistant.bearer);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(response.body);
  });

  it('records the calling client as the requester when no person is named', async () => {
    const alertId = await insertAlert(assistant.database.db);
    const response = await diagnose().send({ alertId });
    expect(response.status).toBe(202);
    const task = await assistant.database.db.selectFrom('diagnosis_tasks').select('requested_by').where('id', '=', response.body.id).executeTakeFirstOrThrow();
    expect(task.requested_by).toBe('control-plane');
    const audit = await assistant.database.db.selectFrom('audit_log').select('details').where('target_id', '=', response.body.id).executeTakeFirstOrThrow();
    expect(audit.details).toEqual({ alertId, requestedBy: null });
  });

  it('answers 404 for an alert that is not in the database, and writes nothing', async () => {
    const before = await countTaskWrites(assistant.database.db);
    const unknown = randomUUID();
    const response = await diagnose().send({ alertId: unknown });
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: 'urn:sre-platform:problem:not-found', status: 404, detail: `no alert has the id ${unknown}`, instance: '/diagnostics/alert' });
    expect(await countTaskWrites(assistant.database.db)).toEqual(before);
  });

  it.each([
    ['a missing alertId', {}, [{ path: 'alertId', message: 'is required' }]],
    ['an alertId that is not a UUID', { alertId: '42' }, [{ path: 'alertId', message: 'must be a UUID' }]],
    [
      'a requestedBy over 200 characters',
      { alertId: randomUUID(), requestedBy: 'a'.repeat(201) },
      [{ path: 'requestedBy', message: 'Too big: expected string to have <=200 characters' }],
    ],
    [
      'an empty requestedBy',
      { alertId: randomUUID(), requestedBy: '' },
      [{ path: 'requestedBy', message: 'Too small: expected string to have >=1 characters' }],
    ],
    [
      'a misspelled field (unknown fields are refused)',
      { alertID: randomUUID() },
      [
        { path: 'alertId', message: 'is required' },
        { path: 'alertID', message: 'is not a known field' },
      ],
    ],
    ['a JSON array', [{ alertId: randomUUID() }], [{ path: '', message: 'Invalid input: expected object, received array' }]],
  ])('answers 400 naming each failing field for %s', async (_case, body, errors) => {
    const before = await countTaskWrites(assistant.database.db);
    const response = await diagnose().send(body);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: 'urn:sre-platform:problem:validation-failed', status: 400, instance: '/diagnostics/alert' });
    expect(response.body.errors).toEqual(errors);
    expect(await countTaskWrites(assistant.database.db)).toEqual(before);
  });

  it('answers 400 malformed-body for JSON that does not parse', async () => {
    const response = await diagnose().set('Content-Type', 'application/json').send('{"alertId": ');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: 'urn:sre-platform:problem:malformed-body', detail: 'The body could not be parsed as JSON.' });
    expect(response.body.errors).toBeUndefined();
  });

  it('answers 400 when the body is not sent as JSON', async () => {
    const response = await diagnose().set('Content-Type', 'text/plain').send(`alertId=${randomUUID()}`);
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: '', message: 'a JSON object is required (Content-Type: application/json)' }]);
  });
});
