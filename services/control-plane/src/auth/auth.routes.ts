import type { Request } from 'express';
import { z } from 'zod';
import { AppError } from '../errors';
import type { SessionService } from '../sessions/sessions.service';
import type { RouteSpec } from '../web/access';
import { clearSessionCookie, sessionToken, setSessionCookie, type SessionCookie } from '../web/session';
import type { LoginService } from './auth.service';

// Only local paths: an open redirect after login would hand the session to a phishing page.
const returnTo = z
  .string()
  .regex(/^\/(?![/\\])[^\s]*$/)
  .catch('/');
const loginQuery = z.object({ returnTo: returnTo.default('/') });

export interface AuthRouteDependencies {
  login: LoginService;
  sessions: SessionService;
  cookie: SessionCookie;
  publicUrl: string;
}

/** Login (Authorization Code + PKCE), the provider's callback, and logout. */
export function authRoutes({ login, sessions, cookie, publicUrl }: AuthRouteDependencies): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/auth/login',
      access: 'public',
      handler: async (request, response) => {
        const { returnTo: target } = loginQuery.parse(request.query);
        const { authorizationUrl, login: state } = await login.begin(target);
        const { token } = await sessions.startLogin(sessionToken(request, cookie), { login: state });
        setSessionCookie(response, cookie, token);
        response.redirect(303, authorizationUrl);
      },
    },
    {
      method: 'get',
      path: '/auth/callback',
      access: 'public',
      handler: async (request, response) => {
        const pending = response.locals.session?.data.login;
        if (!pending) {
          throw new AppError('login_failed', 'no login was in progress in this browser (it expired, or cookies are blocked); start again');
        }
        const completed = await login.complete(callbackUrl(request, publicUrl), pending, response.locals.requestId);
        // A new session id at the privilege change: a session fixed before login is worthless after it.
        const { token } = await sessions.rotate(sessionToken(request, cookie), completed.user.id, { idToken: completed.idToken });
        setSessionCookie(response, cookie, token);
        response.redirect(303, pending.returnTo);
      },
    },
    {
      method: 'post',
      path: '/auth/logout',
      access: 'signed-in',
      handler: async (request, response) => {
        const idToken = response.locals.session?.data.idToken;
        await sessions.end(sessionToken(request, cookie));
        clearSessionCookie(response, cookie);
        response.redirect(303, (await login.logoutUrl(idToken)) ?? '/');
      },
    },
  ];
}

// The callback URL as the provider saw it (the public URL), not as a proxy rewrote it.
function callbackUrl(request: Request, publicUrl: string): URL {
  return new URL(request.originalUrl, publicUrl);
}
