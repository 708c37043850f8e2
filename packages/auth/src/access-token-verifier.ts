import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';

export interface AccessTokenVerifierOptions {
  issuer: string;
  /** The `aud` this service requires (RFC 9068 resource, or a Keycloak audience mapper's value). */
  audience: string;
  /** Defaults to the `jwks_uri` the issuer's discovery document names. */
  jwksUri?: string;
  algorithms?: string[];
  /** Allowed clock skew in seconds. */
  clockToleranceSeconds?: number;
}

export interface VerifiedAccessToken {
  subject: string;
  /** RFC 9068 `client_id`, or Keycloak's `azp`. */
  clientId: string;
  scopes: ReadonlySet<string>;
  claims: JWTPayload;
}

export type TokenFailure = 'missing' | 'malformed' | 'expired' | 'invalid' | 'unavailable';

/** Why a bearer token was refused; `unavailable` means the issuer's keys could not be fetched. */
export class AccessTokenError extends Error {
  constructor(readonly reason: TokenFailure, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AccessTokenError';
  }
}

// RFC 9068 says `at+jwt`; Keycloak says `JWT`. Either is an access token here; an ID token
// (no scope, audience = client) still fails on audience.
const acceptedTypes = new Set(['at+jwt', 'application/at+jwt', 'jwt']);

export type AccessTokenVerifier = (token: string | undefined) => Promise<VerifiedAccessToken>;

/**
 * Verifies OAuth2 JWT access tokens against the issuer's JWKS: signature with an allowed
 * algorithm (never `none`), issuer, audience, expiry and token type.
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const { issuer, audience, algorithms = ['RS256', 'PS256', 'ES256', 'EdDSA'], clockToleranceSeconds = 30 } = options;
  let keySet: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const keys = () => {
    keySet ??= resolveJwksUri(issuer, options.jwksUri)
      .then((uri) => createRemoteJWKSet(new URL(uri)))
      .catch((error: unknown) => {
        keySet = undefined; // try discovery again on the next request
        throw error;
      });
    return keySet;
  };

  return async (token) => {
    if (!token) throw new AccessTokenError('missing', 'a bearer access token is required');
    let jwks: Awaited<ReturnType<typeof keys>>;
    try {
      jwks = await keys();
    } catch (error) {
      throw new AccessTokenError('unavailable', 'the token issuer could not be reached to fetch its keys', { cause: error });
    }
    try {
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        issuer,
        audience,
        algorithms,
        clockTolerance: clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
      });
      const type = (protectedHeader.typ ?? '').toLowerCase();
      if (!acceptedTypes.has(type)) throw new AccessTokenError('invalid', `token type "${protectedHeader.typ ?? ''}" is not an access token`);
      const clientId = typeof payload.client_id === 'string' ? payload.client_id : typeof payload.azp === 'string' ? payload.azp : undefined;
      if (!clientId) throw new AccessTokenError('invalid', 'token names no client (client_id or azp)');
      const scope = typeof payload.scope === 'string' ? payload.scope : '';
      return { subject: payload.sub ?? '', clientId, scopes: new Set(scope.split(' ').filter(Boolean)), claims: payload };
    } catch (error) {
      if (error instanceof AccessTokenError) throw error;
      if (error instanceof errors.JWTExpired) throw new AccessTokenError('expired', 'the access token has expired', { cause: error });
      if (error instanceof errors.JWKSTimeout || error instanceof errors.JOSEError && error.code === 'ERR_JWKS_NO_MATCHING_KEY') {
        throw new AccessTokenError('invalid', 'no key of the issuer matches the token', { cause: error });
      }
      if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
        throw new AccessTokenError('malformed', 'the access token is not a well-formed JWT', { cause: error });
      }
      if (error instanceof errors.JOSEError) throw new AccessTokenError('invalid', `the access token was refused: ${error.message}`, { cause: error });
      throw new AccessTokenError('unavailable', 'the token could not be verified', { cause: error });
    }
  };
}

async function resolveJwksUri(issuer: string, configured?: string): Promise<string> {
  if (configured) return configured;
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`discovery at ${url} answered ${response.status}`);
  const document = (await response.json()) as { jwks_uri?: unknown };
  if (typeof document.jwks_uri !== 'string') throw new Error(`discovery at ${url} names no jwks_uri`);
  return document.jwks_uri;
}
