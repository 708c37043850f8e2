import type { Database, Kysely, NewAuditLogEntry } from '@sre/db';

export async function appendAuditEntry(db: Kysely<Database>, entry: NewAuditLogEntry): Promise<void> {
  await db.insertInto('audit_log').values(entry).execute();
}
