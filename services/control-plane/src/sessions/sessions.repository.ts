import type { Database, Kysely, SessionRow, UserRow } from '@sre/db';

export type SessionWithUser = SessionRow & { user: Pick<UserRow, 'id' | 'name' | 'email' | 'roles' | 'subject'> | null };

export async function insertSession(
  db: Kysely<Database>,
  session: { id: string; userId: string | null; data: object; csrfToken: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      user_id: session.userId,
      data: JSON.stringify(session.data),
      csrf_token: session.csrfToken,
      expires_at: session.expiresAt,
    })
    .execute();
}

export async function findLiveSession(db: Kysely<Database>, id: string, now: Date): Promise<SessionWithUser | undefined> {
  const row = await db
    .selectFrom('sessions')
    .leftJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('sessions')
    .select(['users.name as user_name', 'users.email as user_email', 'users.roles as user_roles', 'users.subject as user_subject'])
    .where('sessions.id', '=', id)
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return undefined;
  const { user_name, user_email, user_roles, user_subject, ...session } = row;
  return {
    ...session,
    user: session.user_id && user_subject
      ? { id: session.user_id, name: user_name, email: user_email, roles: user_roles ?? [], subject: user_subject }
      : null,
  };
}

export async function deleteSession(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function deleteExpiredSessions(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
