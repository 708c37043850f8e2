import type { Database, Kysely } from '@sre/db';
import * as repository from './sessions.repository';
import { newCsrfToken, newSessionToken, sessionIdFor, type Session, type SessionData } from './session';

export interface SessionService {
  /** The live session behind a cookie value, or undefined. */
  find(token: string | undefined): Promise<Session | undefined>;
  /**
   * Starts a session with no user yet (a login in progress), in place of the browser's previous
   * one. It lives only as long as a login takes, so abandoned logins do not pile up for a day.
   */
  startLogin(previousToken: string | undefined, data: SessionData): Promise<{ token: string; session: Session }>;
  /** Replaces a session by a new one for a user: a fresh id and CSRF token (no fixation). */
  rotate(previousToken: string | undefined, userId: string, data: SessionData): Promise<{ token: string; csrfToken: string }>;
  end(token: string | undefined): Promise<void>;
  removeExpired(): Promise<number>;
}

// Time to get through the identity provider's login page, MFA included.
const loginTtlSeconds = 10 * 60;

/** Sessions stored in PostgreSQL, so any replica can serve any request. */
export function createSessionService(db: Kysely<Database>, ttlSeconds: number, now: () => Date = () => new Date()): SessionService {
  const expiry = (seconds = ttlSeconds) => new Date(now().getTime() + seconds * 1000);

  const find: SessionService['find'] = async (token) => {
    if (!token) return undefined;
    const row = await repository.findLiveSession(db, sessionIdFor(token), now());
    if (!row) return undefined;
    return {
      id: row.id,
      csrfToken: row.csrf_token,
      data: row.data as SessionData,
      expiresAt: row.expires_at,
      user: row.user ? { id: row.user.id, name: row.user.name ?? row.user.subject, email: row.user.email, roles: row.user.roles } : undefined,
    };
  };

  return {
    find,
    async startLogin(previousToken, data) {
      const token = newSessionToken();
      const session: Session = { id: sessionIdFor(token), csrfToken: newCsrfToken(), user: undefined, data, expiresAt: expiry(loginTtlSeconds) };
      await db.transaction().execute(async (trx) => {
        if (previousToken) await repository.deleteSession(trx, sessionIdFor(previousToken));
        await repository.insertSession(trx, { id: session.id, userId: null, data, csrfToken: session.csrfToken, expiresAt: session.expiresAt });
      });
      return { token, session };
    },
    async rotate(previousToken, userId, data) {
      const token = newSessionToken();
      const id = sessionIdFor(token);
      const csrfToken = newCsrfToken();
      const expiresAt = expiry();
      await db.transaction().execute(async (trx) => {
        if (previousToken) await repository.deleteSession(trx, sessionIdFor(previousToken));
        await repository.insertSession(trx, { id, userId, data, csrfToken, expiresAt });
      });
      return { token, csrfToken };
    },
    async end(token) {
      if (token) await repository.deleteSession(db, sessionIdFor(token));
    },
    removeExpired: () => repository.deleteExpiredSessions(db, now()),
  };
}
