import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieBrowser, startControlPlane, type ControlPlaneUnderTest } from '../../test/harness';
import { logInThroughProvider } from '../../test/login-flow';

describe('login with OpenID Connect (Authorization Code + PKCE) against a real provider', () => {
  let controlPlane: ControlPlaneUnderTest;
  // Set per test: lets one test replace the provider's token response on its way in.
  let tamperWithTokens: ((body: Record<string, unknown>) => Record<string, unknown>) | undefined;

  beforeAll(async () => {
    controlPlane = await startControlPlane({
      oidcFetch: async (url, options) => {
        const response = await fetch(url, options as RequestInit);
        if (!tamperWithTokens || !url.endsWith('/token')) return response;
        const body = tamperWithTokens((await response.json()) as Record<string, unknown>);
        return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
      },
    });
  });
  afterAll(async () => {
    await controlPlane.close();
  });

  it('logs an operator in, rotates the session, records the user and the login', async () => {
    const browser = new CookieBrowser();
    const { url: callback } = await logInThroughProvider(browser, controlPlane.url, 'operator');
    const preLoginSession = browser.cookies.get('sre_session');
    expect(preLoginSession).toBeTruthy();

    const landed = await browser.request(callback);
    expect(landed.status).toBe(303);
    expect(landed.headers.get('location')).toBe('/devices');
    expect(browser.cookies.get('sre_session')).not.toBe(preLoginSession);

    const page = await browser.request(`${controlPlane.url}/devices`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-testid="whoami"');
    expect(html).toMatch(/data-testid="role"[^>]*>operator</);

    const users = await controlPlane.database.db.selectFrom('users').select(['name', 'email', 'roles']).execute();
    expect(users).toEqual([{ name: 'Demo Operator', email: 'operator@example.test', roles: ['operator'] }]);
    const audit = await controlPlane.database.db.selectFrom('audit_log').select(['action', 'actor_type']).execute();
    expect(audit).toContainEqual({ action: 'user.login', actor_type: 'user' });

    // The pre-login session id is dead: replaying it gets no user.
    const replayed = await fetch(`${controlPlane.url}/devices`, { headers: { cookie: `sre_session=${preLoginSession}` }, redirect: 'manual' });
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get('location')).toMatch(/^\/auth\/login/);
  });

  it('keeps one short-lived session per browser for a login in progress', async () => {
    const db = controlPlane.database.db;
    const pending = () => db.selectFrom('sessions').select(['id', 'expires_at']).where('user_id', 'is', null).execute();
    const before = (await pending()).length;
    const browser = new CookieBrowser();
    for (let attempt = 0; attempt < 3; attempt += 1) expect((await browser.request(`${controlPlane.url}/auth/login`)).status).toBe(303);

    const sessions = await pending();
    expect(sessions).toHaveLength(before + 1);
    const newest = sessions.reduce((latest, session) => (session.expires_at > latest.expires_at ? session : latest));
    // Ten minutes to log in, not the twelve hours of a signed-in session.
    expect(newest.expires_at.getTime() - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(newest.expires_at.getTime() - Date.now()).toBeLessThanOrEqual(10 * 60_000);
  });

  it('refuses a callback whose state does not match the browser session', async () => {
    const browser = new CookieBrowser();
    const { url: callback } = await logInThroughProvider(browser, controlPlane.url, 'viewer');
    const forged = new URL(callback);
    forged.searchParams.set('state', 'not-the-state-we-sent');
    const response = await browser.request(forged.href);
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('state mismatch');
    expect(html).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('refuses a replayed authorization code', async () => {
    const first = new CookieBrowser();
    const { url: usedCallback } = await logInThroughProvider(first, controlPlane.url, 'viewer');
    expect((await first.request(usedCallback)).status).toBe(303);

    // A second login in progress, fed the code that was already redeemed.
    const second = new CookieBrowser();
    const { url: freshCallback } = await logInThroughProvider(second, controlPlane.url, 'viewer');
    const replay = new URL(usedCallback);
    replay.searchParams.set('state', new URL(freshCallback).searchParams.get('state')!);
    const response = await second.request(replay.href);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('invalid_grant');
  });

  it('refuses an ID token whose signature was tampered with', async () => {
    const browser = new CookieBrowser();
    const { url: callback } = await logInThroughProvider(browser, controlPlane.url, 'admin');
    tamperWithTokens = (body) => {
      const [header, payload, signature] = String(body.id_token).split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      const forgedPayload = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'], sub: 'someone-else' })).toString('base64url');
      return { ...body, id_token: `${header}.${forgedPayload}.${signature}` };
    };
    try {
      const response = await browser.request(callback);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('could not be verified');
    } finally {
      tamperWithTokens = undefined;
    }
    const subjects = await controlPlane.database.db.selectFrom('users').select('subject').execute();
    expect(subjects.map((row) => row.subject)).not.toContain('someone-else');
  });

  it('logs out: the session row is gone, the cookie cleared, and the provider asked to end its session', async () => {
    const browser = new CookieBrowser();
    const { url: callback } = await logInThroughProvider(browser, controlPlane.url, 'admin');
    await browser.request(callback);
    const page = await (await browser.request(`${controlPlane.url}/devices`)).text();
    const csrfToken = page.match(/name="csrf-token" content="([^"]+)"/)?.[1];
    expect(csrfToken).toBeTruthy();
    const sessionsBefore = await controlPlane.database.db.selectFrom('sessions').select('id').where('user_id', 'is not', null).execute();

    const response = await browser.request(`${controlPlane.url}/auth/logout`, {
      method: 'POST',
      body: new URLSearchParams({ _csrf: csrfToken! }),
    });
    expect(response.status).toBe(303);
    const endSession = new URL(response.headers.get('location')!);
    expect(endSession.origin).toBe(controlPlane.identity.issuer);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${controlPlane.url}/`);
    expect(endSession.searchParams.get('id_token_hint')).toBeTruthy();
    expect(browser.cookies.has('sre_session')).toBe(false);

    const sessionsAfter = await controlPlane.database.db.selectFrom('sessions').select('id').where('user_id', 'is not', null).execute();
    expect(sessionsAfter.length).toBe(sessionsBefore.length - 1);
  });
});
