import { describe, expect, it } from 'vitest';
import { toTaskResource, type Task } from './task';

const queued: Task = {
  id: '5d2f7c3e-8a41-4c8e-b8f6-0f7d6a2e9b10',
  kind: 'execute',
  status: 'queued',
  createdAt: new Date('2026-03-01T03:12:45.120Z'),
  startedAt: null,
  completedAt: null,
  alertId: null,
  error: null,
};

describe('toTaskResource', () => {
  it('leaves out the fields that do not apply yet', () => {
    expect(toTaskResource(queued)).toEqual({
      id: queued.id,
      kind: 'execute',
      status: 'queued',
      createdAt: '2026-03-01T03:12:45.120Z',
      links: { self: `/tasks/${queued.id}` },
    });
  });

  it('renders timestamps as ISO strings and keeps the alert and the error', () => {
    const failed: Task = {
      ...queued,
      kind: 'alert',
      status: 'failed',
      startedAt: new Date('2026-03-01T03:12:46Z'),
      completedAt: new Date('2026-03-01T03:13:02Z'),
      alertId: '0b6f1a52-5c4e-4b7a-9d43-3c1c2f0e8a11',
      error: 'VictoriaMetrics did not answer',
    };
    expect(toTaskResource(failed)).toMatchObject({
      kind: 'alert',
      status: 'failed',
      startedAt: '2026-03-01T03:12:46.000Z',
      completedAt: '2026-03-01T03:13:02.000Z',
      alertId: '0b6f1a52-5c4e-4b7a-9d43-3c1c2f0e8a11',
      error: 'VictoriaMetrics did not answer',
    });
  });
});
