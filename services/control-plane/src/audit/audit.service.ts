import type { Database, Kysely } from '@sre/db';
import { appendAuditEntry } from './audit.repository';
import type { AuditEvent } from './audit';

/** Appends one event to the audit log; pass a transaction to make it atomic with the change it records. */
export async function recordAuditEvent(db: Kysely<Database>, event: AuditEvent): Promise<void> {
  await appendAuditEntry(db, {
    actor: event.actor.id,
    actor_type: event.actor.type,
    action: event.action,
    target_type: event.target?.type ?? null,
    target_id: event.target?.id ?? null,
    details: JSON.stringify(event.details ?? {}),
    request_id: event.requestId ?? null,
  });
}
