import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../errors';

/**
 * Authenticates a sender that can only hold a static secret (Alertmanager's webhook config):
 * `Authorization: Bearer <secret>`, or Basic auth whose password is the secret. Compared in
 * constant time; without a configured secret the endpoint is closed, and says how to open it.
 */
export function requireSharedSecret(secret: string | undefined, variable: string): RequestHandler {
  const expected = secret ? digest(secret) : undefined;
  return (request, response, next) => {
    if (!expected) throw new AppError('upstream_unavailable', `this endpoint is disabled until ${variable} is set`);
    const offered = presentedSecret(request.get('authorization'));
    if (!offered || !timingSafeEqual(digest(offered), expected)) {
      response.setHeader('WWW-Authenticate', 'Bearer, Basic realm="alert intake"');
      throw new AppError('unauthenticated', 'missing or wrong webhook credentials');
    }
    next();
  };
}

function presentedSecret(header: string | undefined): string | undefined {
  const [scheme, value] = header?.split(' ', 2) ?? [];
  if (!value) return undefined;
  if (scheme?.toLowerCase() === 'bearer') return value;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    return separator === -1 ? undefined : decoded.slice(separator + 1);
  }
  return undefined;
}

// Hashing first gives equal-length inputs to timingSafeEqual whatever the sender offers.
const digest = (value: string) => createHash('sha256').update(value).digest();
