import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import { unauthenticated } from '../errors';
import type { Session, SessionUser } from '../sessions/session';
import type { SessionService } from '../sessions/sessions.service';
import { readCookie } from './cookies';

declare module 'express-serve-static-core' {
  interface Locals {
    session: Session | undefined;
  }
}

export interface SessionCookie {
  name: string;
  options: CookieOptions;
}

/** `__Host-` pins the cookie to this origin when served over https; plain http (development) cannot use it. */
export function sessionCookie(secure: boolean, ttlSeconds: number): SessionCookie {
  return {
    name: secure ? '__Host-sre_session' : 'sre_session',
    // Lax, not Strict: the identity provider's redirect back to /auth/callback is a cross-site
    // top-level navigation that must carry the cookie holding the login state.
    options: { httpOnly: true, secure, sameSite: 'lax', path: '/', maxAge: ttlSeconds * 1000 },
  };
}

/** Loads the session named by the cookie into `res.locals.session` (undefined when none or expired). */
export function loadSession(sessions: SessionService, cookie: SessionCookie): RequestHandler {
  return async (request, response, next) => {
    response.locals.session = await sessions.find(readCookie(request, cookie.name));
    next();
  };
}

/**
 * The signed-in user, or unauthenticated. The role guard checks with it, and handlers behind
 * that guard call it again to get the user typed as present.
 */
export function signedInUser(response: Response): SessionUser {
  const user = response.locals.session?.user;
  if (!user) throw unauthenticated();
  return user;
}

export const sessionToken = (request: Request, cookie: SessionCookie) => readCookie(request, cookie.name);

export function setSessionCookie(response: Response, cookie: SessionCookie, token: string): void {
  response.cookie(cookie.name, token, cookie.options);
}

export function clearSessionCookie(response: Response, cookie: SessionCookie): void {
  const { maxAge: _maxAge, ...options } = cookie.options;
  response.clearCookie(cookie.name, options);
}
