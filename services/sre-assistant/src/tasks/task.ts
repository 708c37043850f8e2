import type { components } from '@sre/contracts/assistant-api';
import type { TaskKind, TaskStatus } from '@sre/db';

export type TaskResource = components['schemas']['Task'];

/** A unit of work the assistant accepted: a diagnosis of an alert, or a free-form investigation. */
export interface Task {
  id: string;
  kind: TaskKind;
  status: TaskStatus;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  alertId: string | null;
  error: string | null;
}

/** The task's URL, relative to the API root (the `Location` of a 202, and `links.self`). */
export function taskPath(id: string): string {
  return `/tasks/${encodeURIComponent(id)}`;
}

/** The contract's Task: optional fields are left out, not null, until they apply. */
export function toTaskResource(task: Task): TaskResource {
  return {
    id: task.id,
    kind: task.kind,
    status: task.status,
    createdAt: task.createdAt.toISOString(),
    ...(task.startedAt && { startedAt: task.startedAt.toISOString() }),
    ...(task.completedAt && { completedAt: task.completedAt.toISOString() }),
    ...(task.alertId !== null && { alertId: task.alertId }),
    ...(task.error !== null && { error: task.error }),
    links: { self: taskPath(task.id) },
  };
}
