import type { Database, Kysely, Role, UserRow } from '@sre/db';

/** Creates or refreshes the user a login names; roles always follow the latest token. */
export async function upsertUserFromLogin(
  db: Kysely<Database>,
  user: { issuer: string; subject: string; name: string | null; email: string | null; roles: Role[] },
  now: Date,
): Promise<UserRow> {
  return db
    .insertInto('users')
    .values({ ...user, last_login_at: now })
    .onConflict((conflict) =>
      conflict.columns(['issuer', 'subject']).doUpdateSet({ name: user.name, email: user.email, roles: user.roles, last_login_at: now }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}
