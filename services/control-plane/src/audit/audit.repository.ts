import { sql, type AuditLogRow, type Database, type Kysely, type NewAuditLogEntry } from '@sre/db';
import { isActionPrefix, type AuditQuery } from './audit';

export async function appendAuditEntry(db: Kysely<Database>, entry: NewAuditLogEntry): Promise<void> {
  await db.insertInto('audit_log').values(entry).execute();
}

/** Entries recorded in [since, until) matching the filters, newest first (the identity breaks ties of `at`). */
export async function listAuditEntries(db: Kysely<Database>, filter: Omit<AuditQuery, 'limit'>, limit: number): Promise<AuditLogRow[]> {
  let query = db.selectFrom('audit_log').selectAll().where('at', '>=', filter.since).where('at', '<', filter.until);
  const { action, target } = filter;
  if (action !== undefined) {
    // starts_with, not LIKE: `_` in an action name is a character, not a wildcard.
    query = isActionPrefix(action) ? query.where(sql<boolean>`starts_with(action, ${action})`) : query.where('action', '=', action);
  }
  if (target) query = query.where('target_type', '=', target.type).where('target_id', '=', target.id);
  return query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
