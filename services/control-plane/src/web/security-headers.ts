import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * A strict CSP: scripts and styles only from this origin (no inline code, no eval: Alpine runs
 * as its CSP build and htmx never evaluates attributes here). Forms may also post to the
 * identity provider, because logout ends there; Grafana, when configured, may be framed.
 */
export function securityHeaders(identityProviderOrigin: string | undefined, secure: boolean, grafanaOrigin?: string): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        ...(grafanaOrigin ? { frameSrc: ["'self'", grafanaOrigin] } : {}),
        formAction: ["'self'", ...(identityProviderOrigin ? [identityProviderOrigin] : [])],
        ...(secure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: secure,
    referrerPolicy: { policy: 'same-origin' },
  });
}
