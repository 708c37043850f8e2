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
