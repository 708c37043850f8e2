import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../errors';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Synchronizer-token CSRF protection for cookie-authenticated requests: every unsafe method must
 * carry the session's token (header `X-CSRF-Token`, sent by app.js for htmx, or form field
 * `_csrf`), and browsers that say the request is cross-site are refused outright. Mount it only
 * in front of cookie-authenticated routes; bearer-token APIs carry no ambient credentials.
 */
export function verifyCsrf(): RequestHandler {
  return (request, response, next) => {
    if (safeMethods.has(request.method)) return next();
    const site = request.get('sec-fetch-site');
    if (site && site !== 'same-origin' && site !== 'none') {
      throw new AppError('csrf_rejected', 'cross-site requests are not accepted');
    }
    const expected = response.locals.session?.csrfToken;
    const body: unknown = request.body;
    const formToken = typeof body === 'object' && body !== null && '_csrf' in body ? (body as { _csrf: unknown })._csrf : undefined;
    const offered = request.get('x-csrf-token') ?? (typeof formToken === 'string' ? formToken : undefined);
    if (!expected || !offered || !sameToken(expected, offered)) {
      throw new AppError('csrf_rejected', 'the form has expired or did not come from this site; reload the page and try again');
    }
    next();
  };
}

function sameToken(expected: string, offered: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(offered);
  return a.length === b.length && timingSafeEqual(a, b);
}
