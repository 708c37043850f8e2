import { createAccessTokenVerifier, createTokenSource, extractRoles } from '@sre/auth';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdentityProvider, type DevIdentityProvider } from './dev-identity-provider';

const controlPlane = {
  clientId: 'control-plane',
  clientSecret: 'test-control-plane-secret',
  // Nothing listens here: the browser below stops at these URLs instead of following them.
  redirectUris: ['http://127.0.0.1:1/auth/callback'],
  postLogoutRedirectUris: ['http://127.0.0.1:1/'],
};
const assistant = { clientId: 'sre-assistant', clientSecret: 'test-sre-assistant-secret' };
const assistantResource = 'urn:sre-platform:sre-assistant';
const controlPlaneResource = 'urn:sre-platform:control-plane';

let provider: DevIdentityProvider;
let configuration: oidc.Configuration;
const logLines: string[] = [];

beforeAll(async () => {
  provider = await startDevIdentityProvider({ host: '127.0.0.1', port: 0, controlPlane, assistant, log: (message) => logLines.push(message) });
  configuration = await oidc.discovery(new URL(provider.issuer), controlPlane.clientId, undefined, oidc.ClientSecretPost(controlPlane.clientSecret), {
    execute: [oidc.allowInsecureRequests],
  });
});

afterAll(async () => {
  await provider?.close();
});

const tokenSource = (client: { clientId: string; clientSecret: string }, scope: string, resource?: string) =>
  createTokenSource({ issuer: provider.issuer, ...client, scope, ...(resource ? { resource } : {}), allowInsecureRequests: true });

it('refuses to listen beyond loopback', async () => {
  await expect(startDevIdentityProvider({ host: '0.0.0.0', port: 0, controlPlane, assistant, log: () => {} })).rejects.toThrow(/loopback only/);
});

describe('client credentials', () => {
  it('gives the control plane an assistant token that the assistant verifier accepts', async () => {
    const token = await tokenSource(controlPlane, 'assistant.diagnose assistant.read', assistantResource)();

    const verified = await createAccessTokenVerifier({ issuer: provider.issuer, audience: assistantResource })(token);

    expect(verified.clientId).toBe('control-plane');
    expect([...verified.scopes].sort()).toEqual(['assistant.diagnose', 'assistant.read']);
    expect(verified.claims.aud).toBe(assistantResource);
    expect(verified.claims.exp! - verified.claims.iat!).toBe(600);
    await expect(createAccessTokenVerifier({ issuer: provider.issuer, audience: controlPlaneResource })(token)).rejects.toMatchObject({ reason: 'invalid' });
  });

  it('gives the assistant only controlplane.read, for the control plane only', async () => {
    const token = await tokenSource(assistant, 'controlplane.read', controlPlaneResource)();

    const verified = await createAccessTokenVerifier({ issuer: provider.issuer, audience: controlPlaneResource })(token);

    expect(verified.clientId).toBe('sre-assistant');
    expect([...verified.scopes]).toEqual(['controlplane.read']);
  });

  it.each([
    ['the assistant asks for the assistant API', assistant, 'assistant.diagnose', assistantResource, 'invalid_target'],
    ['the control plane asks for its own API', controlPlane, 'controlplane.read', controlPlaneResource, 'invalid_target'],
    ['an unknown API is named', controlPlane, 'assistant.read', 'urn:sre-platform:unknown', 'invalid_target'],
    ['no API is named', controlPlane, 'assistant.read', undefined, 'invalid_target'],
    ['the assistant adds an assistant scope', assistant, 'controlplane.read assistant.execute', controlPlaneResource, 'invalid_scope'],
  ])('refuses when %s', async (_case, client, scope, resource, error) => {
    await expect(tokenSource(client, scope, resource)()).rejects.toMatchObject({ kind: 'auth', retryable: false, message: expect.stringContaining(`(${error})`) });
  });

  it('refuses a wrong client secret and logs why without the secret', async () => {
    const wrongSecret = 'not-the-secret-0123456789';
    await expect(tokenSource({ ...controlPlane, clientSecret: wrongSecret }, 'assistant.read', assistantResource)()).rejects.toMatchObject({ kind: 'auth', status: 401, message: expect.stringContaining('(invalid_client)') });

    expect(logLines.some((line) => line.includes('invalid_client'))).toBe(true);
    expect(logLines.join('\n')).not.toContain(wrongSecret);
  });
});

/** Just enough of a browser: keeps cookies and hands redirects back to the caller. */
class Browser {
  private readonly cookies = new Map<string, string>();

  async request(url: string | URL, form?: Record<string, string>): Promise<Response> {
    const headers = new Headers({ accept: 'text/html' });
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { method: form ? 'POST' : 'GET', headers, body: form ? new URLSearchParams(form) : undefined, redirect: 'manual' });
    for (const header of response.headers.getSetCookie()) {
      const [name = '', value = ''] = header.split(';', 1)[0]!.split('=');
      if (value) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
    return response;
  }

  /** Requests, following redirects, until a redirect leaves the provider or a page is served. */
  async navigate(url: string | URL, form?: Record<string, string>): Promise<{ page?: Response; leftFor?: URL }> {
    let response = await this.request(url, form);
    let current = new URL(url);
    for (let hops = 0; hops < 10; hops += 1) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { page: response };
      current = new URL(location, current);
      if (current.origin !== provider.issuer) return { leftFor: current };
      response = await this.request(current);
    }
    throw new Error('too many redirects');
  }
}

interface LoginAttempt {
  browser: Browser;
  authorizationUrl: URL;
  checks: { pkceCodeVerifier: string; expectedState: string; expectedNonce: string };
}

async function startLogin(browser = new Browser()): Promise<LoginAttempt> {
  const checks = { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: oidc.randomState(), expectedNonce: oidc.randomNonce() };
  const authorizationUrl = oidc.buildAuthorizationUrl(configuration, {
    redirect_uri: controlPlane.redirectUris[0]!,
    scope: 'openid profile email roles',
    code_challenge: await oidc.calculatePKCECodeChallenge(checks.pkceCodeVerifier),
    code_challenge_method: 'S256',
    state: checks.expectedState,
    nonce: checks.expectedNonce,
  });
  return { browser, authorizationUrl, checks };
}

async function loginForm(attempt: LoginAttempt): Promise<{ action: URL; html: string }> {
  const { page } = await attempt.browser.navigate(attempt.authorizationUrl);
  expect(page?.status).toBe(200);
  const html = await page!.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  expect(action).toMatch(/^\/interaction\/[\w-]+\/login$/);
  return { action: new URL(action!, provider.issuer), html };
}

async function signIn(username: string, password: string, attempt?: LoginAttempt) {
  const login = attempt ?? (await startLogin());
  const { action } = await loginForm(login);
  const { leftFor } = await login.browser.navigate(action, { username, password });
  expect(leftFor?.searchParams.get('code')).toBeTruthy();
  const tokens = await oidc.authorizationCodeGrant(configuration, leftFor!, login.checks);
  return { tokens, browser: login.browser };
}

describe('authorization code with PKCE', () => {
  it.each([
    ['viewer', ['viewer']],
    ['operator', ['operator']],
    ['admin', ['admin']],
  ])('signs in %s with the roles in the ID token', async (username, roles) => {
    const { tokens } = await signIn(username, username);

    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ sub: `demo-${username}`, email: `${username}@example.test`, preferred_username: username, roles });
    expect(extractRoles(claims)).toEqual(roles);
    expect(claims.exp - claims.iat).toBe(600);
  });

  it('shows the login page with the demo accounts', async () => {
    const { html } = await loginForm(await startLogin());

    for (const user of provider.users) expect(html).toContain(`<code>${user.username}</code>`);
  });

  it('rejects a wrong password with a message and no code, then accepts the right one', async () => {
    const attempt = await startLogin();
    const { action } = await loginForm(attempt);

    const refused = await attempt.browser.request(action, { username: 'operator', password: 'wrong' });

    expect(refused.status).toBe(422);
    expect(refused.headers.get('location')).toBeNull();
    const html = await refused.text();
    expect(html).toContain('Unknown username or wrong password.');
    expect(html).toContain('value="operator"');

    const { leftFor } = await attempt.browser.navigate(action, { username: 'operator', password: 'operator' });
    const tokens = await oidc.authorizationCodeGrant(configuration, leftFor!, attempt.checks);
    expect(tokens.claims()?.roles).toEqual(['operator']);
  });

  it('escapes what the user typed when showing it again', async () => {
    const attempt = await startLogin();
    const { action } = await loginForm(attempt);

    const refused = await attempt.browser.request(action, { username: '"><script>alert(1)</script>', password: 'x' });

    const html = await refused.text();
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).not.toContain('<script>alert(1)');
  });

  it('refuses a login posted without the interaction cookie or for another interaction', async () => {
    const attempt = await startLogin();
    const { action } = await loginForm(attempt);
    const credentials = { username: 'admin', password: 'admin' };

    // A cross-site form post arrives without the SameSite=Lax cookie, like an expired attempt.
    const withoutCookie = await new Browser().request(action, credentials);
    expect(withoutCookie.status).toBe(400);
    expect(await withoutCookie.text()).toContain('Sign-in expired');

    const otherInteraction = await attempt.browser.request(new URL('/interaction/another-uid/login', provider.issuer), credentials);
    expect(otherInteraction.status).toBe(400);
    expect(await otherInteraction.text()).toContain('Sign-in out of date');
  });

  it('refuses an authorization request without PKCE', async () => {
    const authorizationUrl = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: controlPlane.redirectUris[0]!,
      scope: 'openid',
      state: oidc.randomState(),
    });

    const { leftFor } = await new Browser().navigate(authorizationUrl);

    expect(leftFor?.searchParams.get('error')).toBe('invalid_request');
    expect(leftFor?.searchParams.get('error_description')).toMatch(/PKCE/);
    expect(leftFor?.searchParams.has('code')).toBe(false);
  });
});

describe('RP-initiated logout', () => {
  it('ends the provider session with a page that submits itself', async () => {
    const { tokens, browser } = await signIn('admin', 'admin');
    // Signed in: a second login goes straight back with a code.
    const again = await startLogin(browser);
    expect((await browser.navigate(again.authorizationUrl)).leftFor?.searchParams.has('code')).toBe(true);

    const logoutUrl = oidc.buildEndSessionUrl(configuration, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: controlPlane.postLogoutRedirectUris[0]! });
    const { page } = await browser.navigate(logoutUrl);
    const html = await page!.text();
    expect(html).toContain('<input type="hidden" form="op.logoutForm" name="logout" value="yes">');
    expect(html).toContain("document.getElementById(\"op.logoutForm\").submit();");
    expect(page!.headers.get('content-security-policy')).toMatch(/script-src 'sha256-[^']+'/);

    // What the script does in a browser: submit the provider's form with logout=yes.
    const action = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(html)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    const { leftFor } = await browser.navigate(action!, { xsrf: xsrf!, logout: 'yes' });
    expect(leftFor?.href).toBe(controlPlane.postLogoutRedirectUris[0]);

    const afterLogout = await startLogin(browser);
    await loginForm(afterLogout);
  });
});
