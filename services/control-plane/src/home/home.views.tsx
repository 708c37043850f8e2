import type { AssistantInfo, AssistantResult } from '../integrations/assistant.client';
import { Layout, Notice, RoleBadge } from '../web/layout.views';
import type { PageContext } from '../web/page-context';

export const systemStatusId = 'system-status';

/** Who you are, and whether the two services can talk to each other with their own tokens. */
export function HomePage({ context }: { context: PageContext }) {
  return (
    <Layout title="Overview" context={context}>
      <div class="space-y-6">
        <section class="rounded border border-slate-200 bg-white p-4 shadow-sm">
          <h1 class="text-xl font-semibold">Overview</h1>
          {context.user ? (
            <p class="mt-2 text-sm">
              Signed in as <strong>{context.user.name}</strong>
              {context.user.email ? ` (${context.user.email})` : ''} with the role <RoleBadge role={context.role} />.
            </p>
          ) : (
            <p class="mt-2 text-sm">Log in to see devices, alerts and diagnoses.</p>
          )}
          {context.user && !context.role ? (
            <div class="mt-3">
              <Notice tone="info" title="You have no platform role yet">
                Ask an administrator to grant you viewer, operator or admin in the identity provider.
              </Notice>
            </div>
          ) : null}
        </section>
        {context.role ? (
          <section
            id={systemStatusId}
            class="rounded border border-slate-200 bg-white p-4 shadow-sm"
            hx-get="/system-status"
            hx-trigger="load"
            hx-swap="outerHTML"
          >
            <h2 class="font-medium">System status</h2>
            <p class="mt-2 text-sm text-slate-600">Checking the assistant…</p>
          </section>
        ) : null}
      </div>
    </Layout>
  );
}

export function SystemStatus({ assistant }: { assistant: AssistantResult<AssistantInfo> }) {
  return (
    <section id={systemStatusId} class="rounded border border-slate-200 bg-white p-4 shadow-sm" data-testid="system-status">
      <h2 class="font-medium">System status</h2>
      <dl class="mt-2 grid grid-cols-[12rem_1fr] gap-y-1 text-sm">
        <dt class="text-slate-500">Control plane → assistant</dt>
        <dd data-testid="assistant-link">
          {assistant.ok ? (
            <span class="text-emerald-700">
              ok: {assistant.value.service} {assistant.value.version}, accepted our token as {assistant.value.caller.clientId} (
              {assistant.value.caller.scopes.join(' ')})
            </span>
          ) : (
            <span class="text-red-700">{assistant.failure.kind}: {assistant.failure.message}</span>
          )}
        </dd>
        <dt class="text-slate-500">Assistant → control plane</dt>
        <dd data-testid="control-plane-link">
          {assistant.ok ? (
            <span class={assistant.value.controlPlane.status === 'ok' ? 'text-emerald-700' : 'text-red-700'}>
              {assistant.value.controlPlane.status}
              {assistant.value.controlPlane.detail ? `: ${assistant.value.controlPlane.detail}` : ''}
            </span>
          ) : (
            <span class="text-slate-500">unknown (the assistant did not answer)</span>
          )}
        </dd>
      </dl>
    </section>
  );
}
