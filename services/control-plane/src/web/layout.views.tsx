import type { ComponentChildren } from 'preact';
import { hasRole, type Role } from '@sre/auth';
import { askRole } from '../ask/question';
import type { PageContext } from './page-context';

// `role`: the least role the page needs (its route's access rule); others do not see the link.
const navigation: Array<{ href: string; label: string; role?: Role }> = [
  { href: '/', label: 'Overview' },
  { href: '/alerts', label: 'Alerts' },
  { href: '/devices', label: 'Devices' },
  { href: '/ask', label: 'Ask', role: askRole },
];

/** The full HTML document around a page's main content. */
export function Layout({ title, context, children }: { title: string; context: PageContext; children: ComponentChildren }) {
  return (
    <html lang="en" class="h-full bg-slate-50">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {context.csrfToken ? <meta name="csrf-token" content={context.csrfToken} /> : null}
        <title>{`${title} · SRE Platform`}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/assets/app.css" />
        <script src="/assets/htmx.js" defer></script>
        <script src="/assets/app.js" defer></script>
        <script src="/assets/alpine.js" defer></script>
      </head>
      <body class="h-full text-slate-900">
        <header class="bg-slate-900 text-slate-100">
          <nav class="mx-auto flex max-w-6xl items-center gap-6 px-4 py-3" aria-label="Main">
            <a href="/" class="font-semibold tracking-tight">SRE Platform</a>
            {context.user
              ? navigation.filter((item) => !item.role || hasRole(context.user?.roles ?? [], item.role)).map((item) => (
                  <a
                    href={item.href}
                    class={isCurrent(context.path, item.href) ? 'text-white underline underline-offset-4' : 'text-slate-300 hover:text-white'}
                    aria-current={isCurrent(context.path, item.href) ? 'page' : undefined}
                  >
                    {item.label}
                  </a>
                ))
              : null}
            <div class="ml-auto flex items-center gap-3 text-sm">
              {context.user ? (
                <>
                  <span data-testid="whoami">
                    {context.user.name} <RoleBadge role={context.role} />
                  </span>
                  <form method="post" action="/auth/logout">
                    <input type="hidden" name="_csrf" value={context.csrfToken} />
                    <button type="submit" class="rounded border border-slate-600 px-2 py-1 hover:bg-slate-800">
                      Log out
                    </button>
                  </form>
                </>
              ) : (
                <a href="/auth/login" class="rounded bg-sky-600 px-3 py-1 font-medium text-white hover:bg-sky-500">
                  Log in
                </a>
              )}
            </div>
          </nav>
        </header>
        <main class="mx-auto max-w-6xl px-4 py-6">{children}</main>
      </body>
    </html>
  );
}

export function RoleBadge({ role }: { role: string | undefined }) {
  return (
    <span class="ml-1 rounded bg-slate-700 px-1.5 py-0.5 text-xs uppercase tracking-wide text-slate-100" data-testid="role">
      {role ?? 'no role'}
    </span>
  );
}

/** A message box for errors and notices, used in pages and fragments alike. */
export function Notice({ tone, title, children }: { tone: 'error' | 'info'; title: string; children?: ComponentChildren }) {
  const colours = tone === 'error' ? 'border-red-300 bg-red-50 text-red-900' : 'border-sky-300 bg-sky-50 text-sky-900';
  return (
    <div class={`rounded border px-4 py-3 ${colours}`} role={tone === 'error' ? 'alert' : 'status'}>
      <p class="font-medium">{title}</p>
      {children ? <div class="mt-1 text-sm">{children}</div> : null}
    </div>
  );
}

const isCurrent = (path: string, href: string) => (href === '/' ? path === '/' : path.startsWith(href));
