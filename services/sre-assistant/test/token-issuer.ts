import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { listenLocally, readBody, sendJson } from './http-server';

export interface SignOptions {
  /** The JOSE `typ`; RFC 9068 says `at+jwt`, Keycloak says `JWT`. */
  type?: string;
  /** Seconds from now; negative for a token that has already expired. */
  expiresInSeconds?: number;
  /** Sign with a key the issuer does not publish. */
  unknownKey?: boolean;
}

export interface TokenIssuer {
  /** The issuer identifier, with a path like Keycloak's (`…/realms/sre`). */
  issuer: string;
  /** Signs a JWT with the issuer's key; `iss`, `iat`, `exp` and `jti` are filled in unless given. */
  sign(claims: JWTPayload, options?: SignOptions): Promise<string>;
  /** An RFC 9068 access token for a client. */
  accessToken(options: { clientId: string; scope: string; audience?: string }): Promise<string>;
  /** How many client-credentials grants the token endpoint has answered. */
  tokensIssued(): number;
  close(): Promise<void>;
}

export const assistantAudience = 'urn:sre-platform:sre-assistant';

/**
 * A stand-in for the OpenID provider: a discovery document, a JWKS, and a token endpoint for
 * the client-credentials grant (client_secret_post, RFC 8707 `resource` → `aud`), speaking the
 * same HTTP as Keycloak or oidc-provider. `clients` maps client ids to secrets.
 */
export async function startTokenIssuer(clients: Record<string, string> = {}): Promise<TokenIssuer> {
  const keyId = randomUUID();
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const stranger = await generateKeyPair('RS256');
  const publicJwk = { ...(await exportJWK(publicKey)), kid: keyId, alg: 'RS256', use: 'sig' };
  let issuer = '';
  let granted = 0;

  const sign = async (claims: JWTPayload, options: SignOptions = {}) => {
    const { type = 'at+jwt', expiresInSeconds = 300, unknownKey = false } = options;
    const now = Math.floor(Date.now() / 1000);
    const key: CryptoKey = unknownKey ? stranger.privateKey : privateKey;
    return new SignJWT({ iss: issuer, iat: now, exp: now + expiresInSeconds, jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: 'RS256', typ: type, kid: unknownKey ? randomUUID() : keyId })
      .sign(key);
  };

  const server = await listenLocally(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method === 'GET' && path === '/realms/sre/.well-known/openid-configuration') {
      sendJson(response, 200, {
        issuer,
        jwks_uri: `${issuer}/certs`,
        token_endpoint: `${issuer}/token`,
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['client_secret_post'],
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    } else if (request.method === 'GET' && path === '/realms/sre/certs') {
      sendJson(response, 200, { keys: [publicJwk] });
    } else if (request.method === 'POST' && path === '/realms/sre/token') {
      const form = new URLSearchParams(await readBody(request));
      const clientId = form.get('client_id') ?? '';
      if (clients[clientId] === undefined || clients[clientId] !== form.get('client_secret')) {
        sendJson(response, 401, { error: 'invalid_client', error_description: 'client authentication failed' });
        return;
      }
      if (form.get('grant_type') !== 'client_credentials') {
        sendJson(response, 400, { error: 'unsupported_grant_type' });
        return;
      }
      const scope = form.get('scope') ?? '';
      const token = await sign({ sub: clientId, client_id: clientId, aud: form.get('resource') ?? undefined, scope });
      granted += 1;
      sendJson(response, 200, { access_token: token, token_type: 'Bearer', expires_in: 300, scope });
    } else {
      sendJson(response, 404, { error: 'not_found' });
    }
  });
  issuer = `${server.url}/realms/sre`;

  return {
    issuer,
    sign,
    accessToken: ({ clientId, scope, audience = assistantAudience }) => sign({ sub: clientId, client_id: clientId, aud: audience, scope }),
    tokensIssued: () => granted,
    close: server.close,
  };
}
