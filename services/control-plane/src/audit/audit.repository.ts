import type { Database, Kysely, NewAuditLogEntry } from '@sre/db';

export async function appendAuditEntry(db: Kysely<Database>, entry: NewAuditLogEntry): Promise<void> {
  await db.insertInto('audit_log').values(entry).execute();
}

export async function listRecentAuditEntries(db: Kysely<Database>, limit: number) {
  return db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit).execute();
}
