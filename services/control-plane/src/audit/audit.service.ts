import type { AuditLogRow, Database, Kysely } from '@sre/db';
import { appendAuditEntry, listAuditEntries } from './audit.repository';
import type { AuditEntry, AuditEvent, AuditLogPage, AuditQuery } from './audit';

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

export interface AuditService {
  /** Entries recorded in the query's window that match its filters, newest first, at most `limit`. */
  list(query: AuditQuery): Promise<AuditLogPage>;
}

/** Reading the audit log; writing stays with recordAuditEvent, inside each change's own transaction. */
export function createAuditService(db: Kysely<Database>): AuditService {
  return {
    async list({ limit, ...filter }) {
      const rows = await listAuditEntries(db, filter, limit + 1);
      return { entries: rows.slice(0, limit).map(toAuditEntry), truncated: rows.length > limit };
    },
  };
}

function toAuditEntry(row: AuditLogRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    actorType: row.actor_type,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    details: row.details,
  };
}
