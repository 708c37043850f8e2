import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CustomFetch } from 'openid-client';
import { createTokenSource } from '@sre/auth';
import { createLogger } from '@sre/service-kit';
import { createTestDatabase, type TestDatabase } from '../../../test/database';
import { createApp, type ControlPlaneApp } from '../src/app';
import { developmentSecrets, loadConfig } from '../src/config';
import { createDependencies } from '../src/dependencies';
import { startDevIdentityProvider, type DevIdentityProvider } from '../src/dev-identity/dev-identity-provider';
import { createSessionService } from '../src/sessions/sessions.service';

export interface ControlPlaneUnderTest extends ControlPlaneApp {
  url: string;
  database: TestDatabase;
  identity: DevIdentityProvider;
  /** A session for a user holding these roles, created through the real session service. */
  sessionFor(roles: string[]): Promise<{ cookie: string; csrfToken: string; userId: string }>;
  /** The secret the Alertmanager webhook intake accepts. */
  webhookToken: string;
  /** A client-credentials token the sre-assistant client gets from the provider for /api/v1. */
  serviceToken(): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real control plane on a loopback port: a fresh database, the development OpenID
 * provider, and the app built exactly as main.ts builds it.
 */
export async function startControlPlane(options: { env?: Record<string, string>; oidcFetch?: CustomFetch } = {}): Promise<ControlPlaneUnderTest> {
  const database = await createTestDatabase();
  const webhookToken = 'test-webhook-token-0123456789';
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    CONTROL_PLANE_URL: url,
    ASSISTANT_URL: 'http://127.0.0.1:9', // nothing listens: the status card must say so
    SESSION_TTL_HOURS: '1',
    ALERTMANAGER_WEBHOOK_TOKEN: webhookToken,
    ...options.env,
  });
  const identity = await startDevIdentityProvider({
    host: '127.0.0.1',
    port: 0,
    controlPlane: {
      clientId: config.oidc.clientId,
      clientSecret: developmentSecrets.controlPlane,
      redirectUris: [`${url}/auth/callback`],
      postLogoutRedirectUris: [`${url}/`],
    },
    assistant: { clientId: 'sre-assistant', clientSecret: developmentSecrets.assistant },
    log: () => {},
  });
  const log = createLogger('control-plane', 'silent');
  const built = createApp(createDependencies({ config, issuer: identity.issuer, db: database.db, log, fetch: options.oidcFetch }));
  server.on('request', built.app);
  const sessions = createSessionService(database.db, 3600);
  const tokens = createTokenSource({
    issuer: identity.issuer,
    clientId: 'sre-assistant',
    clientSecret: developmentSecrets.assistant,
    scope: 'controlplane.read',
    resource: config.apiAudience,
    allowInsecureRequests: true,
  });

  let userCount = 0;
  return {
    ...built,
    url,
    database,
    identity,
    webhookToken,
    async sessionFor(roles) {
      userCount += 1;
      const user = await database.db
        .insertInto('users')
        .values({ issuer: identity.issuer, subject: `test-user-${userCount}`, name: `Test ${roles.join('+') || 'nobody'}`, roles: roles as never })
        .returning('id')
        .executeTakeFirstOrThrow();
      const { token, csrfToken } = await sessions.rotate(undefined, user.id, {});
      return { cookie: `sre_session=${token}`, csrfToken, userId: user.id };
    },
    serviceToken: tokens,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await identity.close();
      await database.drop();
    },
  };
}

/**
 * A minimal browser for driving redirects by hand: follows nothing on its own, keeps cookies
 * by name (the provider and the control plane share the host; their cookie names differ).
 */
export class CookieBrowser {
  readonly cookies = new Map<string, string>();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute) || /^\s*expires=Thu, 01 Jan 1970/i.test(attribute));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** Follows redirects until `stop` says so (or a non-redirect), returning the last response. */
  async follow(url: string, stop: (url: URL) => boolean = () => false, init?: RequestInit): Promise<{ response: Response; url: string }> {
    let current = url;
    let response = await this.request(current, init);
    for (let hops = 0; hops < 20 && response.status >= 300 && response.status < 400; hops += 1) {
      const next = new URL(response.headers.get('location') ?? '', current);
      if (stop(next)) return { response, url: next.href };
      current = next.href;
      response = await this.request(current);
    }
    return { response, url: current };
  }
}
