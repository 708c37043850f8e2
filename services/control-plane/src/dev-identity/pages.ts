import { createHash } from 'node:crypto';
import type { DemoUser } from './demo-users';
import { html, trustedHtml, type SafeHtml } from './html';

export interface RenderedPage {
  html: string;
  contentSecurityPolicy: string;
}

/** The id oidc-provider gives the logout confirmation form it generates. */
const logoutFormId = 'op.logoutForm';

const styles = `
body{font-family:system-ui,sans-serif;background:#f4f4f5;color:#18181b;margin:0}
main{max-width:24rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:.5rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}
h1{font-size:1.4rem;margin:0 0 .25rem}h2{font-size:1rem;margin:1.5rem 0 .5rem}
.subtitle{color:#52525b;margin:0 0 1.5rem}
label{display:block;margin-bottom:1rem;font-weight:600}
input{display:block;width:100%;box-sizing:border-box;margin-top:.25rem;padding:.5rem;font:inherit;border:1px solid #a1a1aa;border-radius:.25rem}
button{width:100%;padding:.6rem;font:inherit;font-weight:600;color:#fff;background:#2563eb;border:0;border-radius:.25rem;cursor:pointer}
.error{background:#fef2f2;color:#991b1b;border:1px solid #fecaca;padding:.6rem;border-radius:.25rem}
.accounts{font-size:.9rem;color:#3f3f46}
`;

const submitLogoutForm = `document.getElementById(${JSON.stringify(logoutFormId)}).submit();`;

const sha256Source = (source: string) => `'sha256-${createHash('sha256').update(source).digest('base64')}'`;

// Nothing but the inline style and the inline scripts named here may run; no framing.
function contentSecurityPolicy(scripts: readonly string[]): string {
  const scriptSources = scripts.length > 0 ? scripts.map(sha256Source).join(' ') : "'none'";
  return `default-src 'none'; style-src ${sha256Source(styles)}; script-src ${scriptSources}; base-uri 'none'; frame-ancestors 'none'`;
}

function page(title: string, body: SafeHtml, scripts: readonly string[] = []): RenderedPage {
  const document = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · SRE platform development sign-in</title>
<style>${trustedHtml(styles)}</style>
</head>
<body><main>${body}</main>${scripts.map((script) => html`<script>${trustedHtml(script)}</script>`)}</body>
</html>`;
  return { html: document.markup, contentSecurityPolicy: contentSecurityPolicy(scripts) };
}

export interface LoginPageModel {
  /** Where the form posts to. */
  action: string;
  clientName: string;
  /** Shown again after a failed attempt, so only the password needs retyping. */
  username?: string;
  error?: string;
  users: readonly DemoUser[];
}

/** The sign-in form, listing the demo accounts (this provider only runs in development). */
export function loginPage({ action, clientName, username, error, users }: LoginPageModel): RenderedPage {
  return page(
    'Sign in',
    html`<h1>Sign in</h1>
<p class="subtitle">to ${clientName} (development identity provider)</p>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="${action}">
<label>Username <input name="username" value="${username ?? ''}" autocomplete="username" required autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>
<section class="accounts">
<h2>Demo accounts</h2>
<ul>${users.map((user) => html`<li><code>${user.username}</code> / <code>${user.password}</code>: ${user.roles.join(', ')}</li>`)}</ul>
</section>`,
  );
}

/** An error explained in words; never a stack trace. */
export function errorPage(title: string, message: string): RenderedPage {
  return page(title, html`<h1>${title}</h1><p>${message}</p>`);
}

/**
 * oidc-provider's logout confirmation, submitted by script at once: signing out of the control
 * plane already was the user's decision, so a second "are you sure" click is noise.
 */
export function logoutPage(providerForm: string): RenderedPage {
  return page(
    'Signing out',
    html`<h1>Signing out…</h1>
${trustedHtml(providerForm)}
<input type="hidden" form="${logoutFormId}" name="logout" value="yes">
<noscript><button type="submit" form="${logoutFormId}">Sign out</button></noscript>`,
    [submitLogoutForm],
  );
}

/** Shown after a logout that named no post_logout_redirect_uri. */
export function signedOutPage(): RenderedPage {
  return page('Signed out', html`<h1>Signed out</h1><p>You have been signed out of the development identity provider.</p>`);
}
