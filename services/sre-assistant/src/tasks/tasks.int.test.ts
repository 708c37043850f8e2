import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAssistant, type AssistantWithBearer } from '../../test/test-app';

describe('GET /tasks/{id}', () => {
  let assistant: AssistantWithBearer;

  beforeAll(async () => {
    assistant = await startAssistant({ scope: 'assistant.read' });
  });
  afterAll(() => assistant.close());

  it('shows a task as it progresses: start, finish and error appear once they apply', async () => {
    const row = await assistant.database.db
      .insertInto('diagnosis_tasks')
      .values({
        kind: 'execute',
        status: 'partial',
        request: { question: 'Why?' },
        requested_by: 'control-plane',
        created_at: '2026-03-01T03:00:00Z',
        started_at: '2026-03-01T03:00:01Z',
        completed_at: '2026-03-01T03:00:09Z',
        error: 'Grafana did not answer',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const response = await request(assistant.app).get(`/tasks/${row.id}`).set('Authorization', assistant.bearer);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      id: row.id,
      kind: 'execute',
      status: 'partial',
      createdAt: '2026-03-01T03:00:00.000Z',
      startedAt: '2026-03-01T03:00:01.000Z',
      completedAt: '2026-03-01T03:00:09.000Z',
      error: 'Grafana did not answer',
      links: { self: `/tasks/${row.id}` },
    });
  });

  it('answers 404 for an unknown task', async () => {
    const id = randomUUID();
    const response = await request(assistant.app).get(`/tasks/${id}`).set('Authorization', assistant.bearer);
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: 'urn:sre-platform:problem:not-found', detail: `no task has the id ${id}`, instance: `/tasks/${id}` });
  });

  it('answers 400 naming the path parameter when the id is not a UUID', async () => {
    const response = await request(assistant.app).get('/tasks/42').set('Authorization', assistant.bearer);
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: 'id', message: 'must be a UUID' }]);
  });

  it('needs the assistant.read scope', async () => {
    const token = await assistant.issuer.accessToken({ clientId: 'control-plane', scope: 'assistant.diagnose' });
    const response = await request(assistant.app).get(`/tasks/${randomUUID()}`).set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(403);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="sre-assistant", error="insufficient_scope", scope="assistant.read"');
  });
});
