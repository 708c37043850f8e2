import type { RequestHandler } from 'express';
import { AccessTokenError, type AccessTokenVerifier, type VerifiedAccessToken } from '@sre/auth';
import { authUnavailable, insufficientScope, unauthenticated } from '../errors';

/** The scopes of the assistant API, as the contract's security scheme declares them. */
export const scopes = {
  diagnose: 'assistant.diagnose',
  execute: 'assistant.execute',
  read: 'assistant.read',
} as const;

export type Scope = (typeof scopes)[keyof typeof scopes];

declare module 'express-serve-static-core' {
  interface Locals {
    /** The verified caller; set by `authenticate`, which guards every route but the probes and metrics. */
    caller: VerifiedAccessToken;
  }
}

/**
 * Verifies the bearer access token and records the caller: 401 for a missing or refused token,
 * 503 when the issuer's keys cannot be fetched (the token may well be good).
 */
export function authenticate(verifyAccessToken: AccessTokenVerifier): RequestHandler {
  return async (request, response, next) => {
    const token = bearerToken(request.get('authorization'));
    try {
      response.locals.caller = await verifyAccessToken(token);
    } catch (error) {
      if (!(error instanceof AccessTokenError)) throw error;
      if (error.reason === 'unavailable') throw authUnavailable(error.message, error);
      throw unauthenticated(error.message, token !== undefined);
    }
    next();
  };
}

/** Lets the request through only when the caller's token grants `scope`; 403 otherwise. */
export function requireScope(scope: Scope): RequestHandler {
  return (_request, response, next) => {
    if (!response.locals.caller.scopes.has(scope)) throw insufficientScope(scope);
    next();
  };
}

// Other schemes (Basic, …) count as no token at all: RFC 6750 sends them a bare challenge.
function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer +([^\s]+) *$/i.exec(authorization ?? '')?.[1];
}
