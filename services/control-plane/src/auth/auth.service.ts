import * as oidc from 'openid-client';
import { extractRoles } from '@sre/auth';
import type { Database, Kysely } from '@sre/db';
import { AppError } from '../errors';
import { recordAuditEvent } from '../audit/audit.service';
import type { LoginState, SessionUser } from '../sessions/session';
import { upsertUserFromLogin } from './users.repository';

export interface LoginServiceOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends the browser back: {publicUrl}/auth/callback. */
  redirectUri: string;
  postLogoutRedirectUri: string;
  allowInsecureRequests: boolean;
  /** The network edge, replaceable in tests (openid-client's customFetch). */
  fetch?: oidc.CustomFetch;
}

export interface CompletedLogin {
  user: SessionUser;
  idToken: string;
}

export interface LoginService {
  /** Starts Authorization Code + PKCE: the URL to send the browser to and what to keep in the session. */
  begin(returnTo: string): Promise<{ authorizationUrl: string; login: LoginState }>;
  /** Checks the provider's answer (state, nonce, PKCE, ID token) and records the user. */
  complete(callbackUrl: URL, login: LoginState, requestId: string): Promise<CompletedLogin>;
  /** The provider's end-session URL for RP-initiated logout, when it offers one. */
  logoutUrl(idToken: string | undefined): Promise<string | undefined>;
}

/** OpenID Connect login against the configured issuer (Keycloak, or the development provider). */
export function createLoginService(db: Kysely<Database>, options: LoginServiceOptions): LoginService {
  let configuration: Promise<oidc.Configuration> | undefined;
  const discover = () => {
    configuration ??= oidc
      .discovery(new URL(options.issuer), options.clientId, undefined, oidc.ClientSecretPost(options.clientSecret), {
        // Verify ID token signatures too: by default openid-client trusts the TLS channel to the
        // token endpoint instead, which a proxy or a misconfigured issuer URL would undermine.
        execute: [...(options.allowInsecureRequests ? [oidc.allowInsecureRequests] : []), oidc.enableNonRepudiationChecks],
        ...(options.fetch ? { [oidc.customFetch]: options.fetch } : {}),
      })
      .catch((error: unknown) => {
        configuration = undefined;
        throw new AppError('upstream_unavailable', `the identity provider at ${options.issuer} could not be reached; try again shortly`, { cause: error });
      });
    return configuration;
  };

  return {
    async begin(returnTo) {
      const config = await discover();
      const login: LoginState = {
        codeVerifier: oidc.randomPKCECodeVerifier(),
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        returnTo,
      };
      const authorizationUrl = oidc.buildAuthorizationUrl(config, {
        redirect_uri: options.redirectUri,
        scope: 'openid profile email roles',
        code_challenge: await oidc.calculatePKCECodeChallenge(login.codeVerifier),
        code_challenge_method: 'S256',
        state: login.state,
        nonce: login.nonce,
      });
      return { authorizationUrl: authorizationUrl.href, login };
    },

    async complete(callbackUrl, login, requestId) {
      const config = await discover();
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: login.codeVerifier,
          expectedState: login.state,
          expectedNonce: login.nonce,
          idTokenExpected: true,
        });
      } catch (error) {
        throw new AppError('login_failed', describeLoginFailure(error), { cause: error });
      }
      const claims = tokens.claims();
      if (!claims || !tokens.id_token) throw new AppError('login_failed', 'the identity provider returned no ID token');
      const now = new Date();
      const row = await db.transaction().execute(async (trx) => {
        const user = await upsertUserFromLogin(
          trx,
          {
            issuer: claims.iss,
            subject: claims.sub,
            name: stringClaim(claims.name) ?? stringClaim(claims.preferred_username) ?? null,
            email: stringClaim(claims.email) ?? null,
            roles: extractRoles(claims, options.clientId),
          },
          now,
        );
        await recordAuditEvent(trx, { actor: { id: user.id, type: 'user' }, action: 'user.login', target: { type: 'user', id: user.id }, details: { roles: user.roles }, requestId });
        return user;
      });
      return {
        user: { id: row.id, name: row.name ?? row.subject, email: row.email, roles: row.roles },
        idToken: tokens.id_token,
      };
    },

    async logoutUrl(idToken) {
      const config = await discover().catch(() => undefined);
      if (!config?.serverMetadata().end_session_endpoint) return undefined;
      return oidc.buildEndSessionUrl(config, {
        post_logout_redirect_uri: options.postLogoutRedirectUri,
        client_id: options.clientId,
        ...(idToken ? { id_token_hint: idToken } : {}),
      }).href;
    },
  };
}

const stringClaim = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

function describeLoginFailure(error: unknown): string {
  if (error instanceof oidc.AuthorizationResponseError) return `the identity provider refused the login: ${error.error}`;
  if (error instanceof oidc.ResponseBodyError) return `the identity provider refused the code: ${error.error}`;
  // openid-client wraps the precise reason (oauth4webapi's) in its cause chain.
  const reasons = causeChain(error).join(' ');
  if (/"state"/.test(reasons)) return 'the login response did not match this browser session (state mismatch)';
  if (/"nonce"/.test(reasons)) return 'the ID token was not issued for this login (nonce mismatch)';
  return 'the identity provider response could not be verified';
}

function causeChain(error: unknown): string[] {
  const messages: string[] = [];
  for (let current = error; current instanceof Error && messages.length < 5; current = current.cause) messages.push(current.message);
  return messages;
}
