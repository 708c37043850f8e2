import type { RequestHandler, Router } from 'express';
import { AccessTokenError, hasRole, type AccessTokenVerifier, type Role, type VerifiedAccessToken } from '@sre/auth';
import { AppError, forbidden } from '../errors';
import { signedInUser } from './session';

declare module 'express-serve-static-core' {
  interface Locals {
    /** The calling service, on bearer-authenticated API routes. */
    client: VerifiedAccessToken | undefined;
  }
}

/**
 * Who may call a route. Every route declares one; there is no default.
 * - `anonymous`: probes and static files; no session is even looked up.
 * - `public`: browser pages anyone may see (the session is loaded to show who is looking).
 * - `signed-in`: any logged-in user, whatever their role.
 * - a Role: a logged-in user holding at least that role.
 * - `{ scope }`: a service presenting a bearer access token with that scope.
 * - `{ sharedSecret }`: a sender that can only hold a static secret (Alertmanager's webhook).
 */
export type Access = 'anonymous' | 'public' | 'signed-in' | Role | { scope: string } | { sharedSecret: 'alertmanager' };

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteSpec {
  method: HttpMethod;
  path: string;
  access: Access;
  handler: RequestHandler;
}

export interface RouteChains {
  /** Body parsing for API routes, after the bearer check (no cookies there, so no CSRF). */
  api: RequestHandler[];
  /** Body parsing, the session and CSRF verification for browser routes. */
  browser: RequestHandler[];
  verifyAccessToken: AccessTokenVerifier;
  /** Per sender: its secret check, then its body parser (authenticated before parsing). */
  sharedSecret: Record<'alertmanager', RequestHandler[]>;
}

/** The middleware that enforce an Access rule on the server, in order. */
export function guardsFor(access: Access, chains: RouteChains): RequestHandler[] {
  if (access === 'anonymous') return [];
  if (typeof access === 'object') {
    // Authenticate before parsing: an anonymous caller never gets its body read.
    return 'scope' in access ? [requireScope(chains.verifyAccessToken, access.scope), ...chains.api] : chains.sharedSecret[access.sharedSecret];
  }
  if (access === 'public') return chains.browser;
  return [...chains.browser, requireUser(access)];
}

/** Mounts each spec behind its guards. */
export function mountRoutes(router: Router, specs: RouteSpec[], chains: RouteChains): void {
  for (const spec of specs) router[spec.method](spec.path, ...guardsFor(spec.access, chains), spec.handler);
}

function requireUser(access: 'signed-in' | Role): RequestHandler {
  return (_request, response, next) => {
    const user = signedInUser(response);
    if (access !== 'signed-in' && !hasRole(user.roles, access)) {
      throw forbidden(`this needs the ${access} role; you have ${user.roles.join(', ') || 'no role'}`);
    }
    next();
  };
}

function requireScope(verifyAccessToken: AccessTokenVerifier, scope: string): RequestHandler {
  return async (request, response, next) => {
    const header = request.get('authorization');
    const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    let client: VerifiedAccessToken;
    try {
      client = await verifyAccessToken(token);
    } catch (error) {
      if (!(error instanceof AccessTokenError)) throw error;
      if (error.reason === 'unavailable') throw new AppError('upstream_unavailable', error.message, { cause: error });
      response.setHeader('WWW-Authenticate', token ? `Bearer error="invalid_token", error_description="${error.reason}"` : 'Bearer');
      throw new AppError('unauthenticated', error.message, { cause: error });
    }
    if (!client.scopes.has(scope)) {
      response.setHeader('WWW-Authenticate', `Bearer error="insufficient_scope", scope="${scope}"`);
      throw forbidden(`the token lacks the scope ${scope}`);
    }
    response.locals.client = client;
    next();
  };
}
