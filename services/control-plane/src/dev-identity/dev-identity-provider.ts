import { generateKeyPair, randomBytes, randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import http, { type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { Provider, type Account, type Configuration, type errors, type JWK, type KoaContextWithOIDC } from 'oidc-provider';
import { demoUsers, findDemoUserBySubject, type DemoUser } from './demo-users';
import { createInteractionHandler, interactionPath, interactionPathPrefix } from './interactions';
import { createMemoryAdapter } from './memory-adapter';
import { errorPage, logoutPage, signedOutPage, type RenderedPage } from './pages';
import { createResourceIndicators } from './resource-servers';

export type { DemoUser } from './demo-users';

export interface DevIdentityProviderOptions {
  /** Must be a loopback address (checked): anyone who reaches this provider can sign in with the demo passwords. */
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  controlPlane: { clientId: string; clientSecret: string; redirectUris: string[]; postLogoutRedirectUris: string[] };
  assistant: { clientId: string; clientSecret: string };
  log: (message: string) => void;
}

export interface DevIdentityProvider {
  issuer: string;
  users: readonly DemoUser[];
  close(): Promise<void>;
}

const minutes = 60;
const hours = 60 * minutes;
const accessTokenTtlSeconds = 10 * minutes;

/**
 * Starts an in-process OpenID provider for development: three demo users (one per role), the
 * control-plane and sre-assistant clients, login with PKCE, client credentials for the two APIs.
 */
export async function startDevIdentityProvider(options: DevIdentityProviderOptions): Promise<DevIdentityProvider> {
  if (!isLoopback(options.host)) {
    throw new Error(`the development identity provider listens on loopback only (got host ${options.host}): its demo passwords are public`);
  }
  const signingKey = await generateSigningKey();

  // The issuer must name the real port, known only once listening; until the provider exists
  // nobody has been told the address, so the placeholder handler is never reached in practice.
  let handleRequest: RequestListener = (_request, response) => {
    response.writeHead(503).end();
  };
  const server = http.createServer((request, response) => handleRequest(request, response));
  await listen(server, options.host, options.port);
  const close = closeOnce(server);

  try {
    const issuer = `http://${options.host}:${(server.address() as AddressInfo).port}`;
    const provider = new Provider(issuer, providerConfiguration(options, signingKey));
    logProviderEvents(provider, options.log);

    const handleInteraction = createInteractionHandler({
      provider,
      firstPartyClientId: options.controlPlane.clientId,
      firstPartyClientName: 'the SRE control plane',
      log: options.log,
    });
    const handleProviderRequest = provider.callback();
    handleRequest = (request, response) => {
      if (request.url?.startsWith(interactionPathPrefix)) void handleInteraction(request, response);
      else void handleProviderRequest(request, response);
    };

    options.log(`development identity provider listening at ${issuer}`);
    return { issuer, users: demoUsers, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function providerConfiguration(options: DevIdentityProviderOptions, signingKey: JWK): Configuration {
  const { controlPlane, assistant } = options;
  return {
    adapter: createMemoryAdapter(),
    clients: [
      {
        client_id: controlPlane.clientId,
        client_secret: controlPlane.clientSecret,
        client_name: 'SRE control plane',
        redirect_uris: controlPlane.redirectUris,
        post_logout_redirect_uris: controlPlane.postLogoutRedirectUris,
        grant_types: ['authorization_code', 'client_credentials'],
        response_types: ['code'],
        // What @sre/auth and the login service send; client_secret_basic is accepted as well.
        token_endpoint_auth_method: 'client_secret_post',
      },
      {
        client_id: assistant.clientId,
        client_secret: assistant.clientSecret,
        client_name: 'SRE assistant',
        redirect_uris: [],
        grant_types: ['client_credentials'],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    scopes: ['openid', 'profile', 'email', 'roles'],
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
      roles: ['roles'],
    },
    // The control plane reads the roles from the ID token, not from a userinfo call.
    conformIdTokenClaims: false,
    findAccount: (_context, subject) => {
      const user = findDemoUserBySubject(subject);
      return user ? accountFor(user) : undefined;
    },
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_post', 'client_secret_basic'],
    pkce: { required: () => true },
    interactions: { url: (_context, interaction) => interactionPath(interaction.uid) },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: createResourceIndicators(
        { controlPlaneClientId: controlPlane.clientId, assistantClientId: assistant.clientId },
        accessTokenTtlSeconds,
      ),
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (context, form) => respondWithPage(context, logoutPage(form)),
        postLogoutSuccessSource: (context) => respondWithPage(context, signedOutPage()),
      },
    },
    // The error handler has set the status; the page explains the OAuth error, never the stack.
    renderError: (context, out) => {
      const title = context.status >= 500 ? 'Server error' : 'Request refused';
      respondWithPage(context, errorPage(title, out.error_description ? `${out.error}: ${out.error_description}` : out.error));
    },
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ttl: {
      AccessToken: accessTokenTtlSeconds,
      ClientCredentials: accessTokenTtlSeconds,
      IdToken: 10 * minutes,
      AuthorizationCode: 1 * minutes,
      Interaction: 10 * minutes,
      Session: 8 * hours,
      Grant: 8 * hours,
    },
  };
}

function accountFor(user: DemoUser): Account {
  return {
    accountId: user.subject,
    claims: () => ({
      sub: user.subject,
      name: user.name,
      preferred_username: user.username,
      email: user.email,
      email_verified: true,
      roles: [...user.roles],
    }),
  };
}

function respondWithPage(context: KoaContextWithOIDC, page: RenderedPage) {
  context.type = 'html';
  context.set('Content-Security-Policy', page.contentSecurityPolicy);
  context.body = page.html;
}

// A fresh key per start (tokens do not outlive the process) keeps oidc-provider off its
// built-in development keys.
async function generateSigningKey(): Promise<JWK> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

function logProviderEvents(provider: Provider, log: (message: string) => void) {
  provider.on('server_error', (context, error) => log(`server error at ${context.method} ${context.path}: ${error.message}`));
  const logRefusal = (what: string) => (_context: KoaContextWithOIDC, error: errors.OIDCProviderError) => {
    const detail = [error.error_description, error.error_detail].filter(Boolean).join('; ');
    log(`${what} refused: ${error.error}${detail ? ` (${detail})` : ''}`);
  };
  provider.on('authorization.error', logRefusal('authorization request'));
  provider.on('grant.error', logRefusal('token request'));
  provider.on('end_session.error', logRefusal('logout request'));
  provider.on('userinfo.error', logRefusal('userinfo request'));
  // Koa prints errors that escape oidc-provider's own handlers (its bugs, not bad requests) to
  // the console, stack and all, unless someone listens. The typings omit Koa's 'error' event.
  const application: EventEmitter = provider;
  application.on('error', (error: Error & { expose?: boolean }) => {
    if (!error.expose) log(`unhandled error: ${error.message}`);
  });
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function listen(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => reject(new Error(`the development identity provider could not listen on ${host}:${port}: ${error.message}`, { cause: error }));
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
}

function closeOnce(server: http.Server): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeIdleConnections();
    });
    return closing;
  };
}
