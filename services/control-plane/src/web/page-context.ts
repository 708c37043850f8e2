import type { Response } from 'express';
import { highestRole, type Role } from '@sre/auth';
import type { SessionUser } from '../sessions/session';

/** What every page needs from the request: who is looking, their CSRF token, where they are. */
export interface PageContext {
  user: SessionUser | undefined;
  role: Role | undefined;
  csrfToken: string | undefined;
  path: string;
}

export function pageContext(response: Response, path: string): PageContext {
  const session = response.locals.session;
  return { user: session?.user, role: session?.user ? highestRole(session.user.roles) : undefined, csrfToken: session?.csrfToken, path };
}
