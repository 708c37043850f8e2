import { expect } from 'vitest';
import type { CookieBrowser } from './harness';

/** Drives the real login: control plane → provider login form → callback. Returns the callback URL. */
export async function logInThroughProvider(browser: CookieBrowser, controlPlaneUrl: string, username: string, password = username) {
  // Stop at the callback so a test can replay or tamper with it.
  const toLogin = await browser.follow(`${controlPlaneUrl}/auth/login?returnTo=/devices`, (url) => url.pathname === '/auth/callback');
  expect(toLogin.response.status).toBe(200);
  const form = await toLogin.response.text();
  const action = form.match(/<form method="post" action="([^"]+)"/)?.[1];
  expect(action, 'the provider shows a login form').toBeTruthy();
  const submitted = await browser.follow(
    new URL(action!.replaceAll('&amp;', '&'), toLogin.url).href,
    (url) => url.pathname === '/auth/callback',
    { method: 'POST', body: new URLSearchParams({ username, password }) },
  );
  return submitted;
}
