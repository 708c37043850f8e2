import type { ActorType } from '@sre/db';

/** Who did something, as the audit log records it. */
export interface Actor {
  id: string;
  type: ActorType;
}

export interface AuditEvent {
  actor: Actor;
  action: string;
  target?: { type: string; id: string };
  details?: Record<string, unknown>;
  requestId?: string;
}

/** One entry of the audit log as it was recorded. */
export interface AuditEntry {
  id: string;
  at: Date;
  actor: string;
  actorType: ActorType;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
}

/** Which entries to read: those recorded in [since, until), newest first. */
export interface AuditQuery {
  since: Date;
  until: Date;
  /** An exact action (`device.update`), or a prefix when it ends with a dot (`device.`). */
  action?: string;
  target?: { type: string; id: string };
  limit: number;
}

export interface AuditLogPage {
  entries: AuditEntry[];
  /** True when more entries matched than `limit`. */
  truncated: boolean;
}

/** Whether an action filter is a prefix (`device.`) rather than one exact action. */
export const isActionPrefix = (action: string): boolean => action.endsWith('.');
