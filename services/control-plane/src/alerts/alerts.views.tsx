import type { ComponentChildren } from 'preact';
import type { Device } from '../devices/device';
import { Layout } from '../web/layout.views';
import type { PageContext } from '../web/page-context';
import { Time } from '../web/time.views';
import { alertName, severityOf, type Alert, type AlertDetail, type AlertPage } from './alert';
import type { AlertMetrics } from './alert-chart';
import { AlertMetricsSection } from './alert-metrics.views';

export const alertListId = 'alert-list';
export const acknowledgementId = 'alert-acknowledgement';

const severities = ['critical', 'page', 'warning', 'info', 'none'];

export interface AlertListProps {
  page: AlertPage;
  /** The filters as typed, to keep them in links and in the form. */
  query: Record<string, string>;
  /** Only the first page refreshes itself; deeper pages stay put while being read. */
  live: boolean;
}

const listUrl = (query: Record<string, string>, extra: Record<string, string> = {}) => {
  const parameters = new URLSearchParams(Object.entries({ ...query, ...extra }).filter(([, value]) => value !== ''));
  const text = parameters.toString();
  return text ? `/alerts?${text}` : '/alerts';
};

/** The table of alerts; on the first page it polls itself so new alerts appear without a reload. */
export function AlertList({ page, query, live }: AlertListProps) {
  return (
    <div
      id={alertListId}
      {...(live ? { 'hx-get': listUrl(query), 'hx-trigger': 'every 5s', 'hx-target': `#${alertListId}`, 'hx-swap': 'outerHTML' } : {})}
    >
      {page.alerts.length === 0 ? (
        <p class="text-slate-600">No alerts match.</p>
      ) : (
        <table class="w-full border-collapse overflow-hidden rounded bg-white text-sm shadow-sm">
          <thead class="bg-slate-100 text-left text-slate-600">
            <tr>
              <th class="px-3 py-2">Status</th>
              <th class="px-3 py-2">Alert</th>
              <th class="px-3 py-2">Severity</th>
              <th class="px-3 py-2">Labels</th>
              <th class="px-3 py-2">Started</th>
            </tr>
          </thead>
          <tbody>
            {page.alerts.map((alert) => (
              <tr class="border-t border-slate-100" data-testid="alert-row">
                <td class="px-3 py-2"><StatusBadge alert={alert} /></td>
                <td class="px-3 py-2 font-medium">
                  <a class="text-sky-700 hover:underline" href={`/alerts/${alert.id}`}>{alertName(alert)}</a>
                  {alert.annotations.summary ? <p class="text-xs font-normal text-slate-600">{alert.annotations.summary}</p> : null}
                </td>
                <td class="px-3 py-2">{severityOf(alert)}</td>
                <td class="px-3 py-2"><LabelList labels={alert.labels} omit={['alertname', 'severity']} /></td>
                <td class="px-3 py-2 whitespace-nowrap"><Time value={alert.startsAt} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page.nextCursor ? (
        <p class="mt-3">
          <a class="text-sky-700 hover:underline" href={listUrl(query, { after: page.nextCursor })} data-testid="older-alerts">Older alerts →</a>
        </p>
      ) : null}
    </div>
  );
}

export function AlertsPage(props: AlertListProps & { context: PageContext }) {
  const { query } = props;
  return (
    <Layout title="Alerts" context={props.context}>
      <div class="space-y-4">
        <h1 class="text-xl font-semibold">Alerts</h1>
        <form method="get" action="/alerts" class="flex flex-wrap items-end gap-3 text-sm" role="search">
          <label>Status
            <select name="status" class="mt-1 block rounded border border-slate-300 px-2 py-1">
              {['', 'firing', 'resolved'].map((status) => <option value={status} selected={query.status === status}>{status || 'any'}</option>)}
            </select>
          </label>
          <label>Severity
            <select name="severity" class="mt-1 block rounded border border-slate-300 px-2 py-1">
              {['', ...severities].map((severity) => <option value={severity} selected={query.severity === severity}>{severity || 'any'}</option>)}
            </select>
          </label>
          <label>Labels
            <input name="labels" value={query.labels} placeholder="service=checkout,env=prod" class="mt-1 block rounded border border-slate-300 px-2 py-1" />
          </label>
          <label>Alert name
            <input type="search" name="q" value={query.q} class="mt-1 block rounded border border-slate-300 px-2 py-1" />
          </label>
          <button type="submit" class="rounded bg-sky-600 px-3 py-1 font-medium text-white hover:bg-sky-500">Filter</button>
        </form>
        <AlertList {...props} />
      </div>
    </Layout>
  );
}

/** Acknowledgement state and, for operators, the button; the unit htmx swaps after a click. */
export function Acknowledgement({ alert, canAcknowledge, csrfToken }: { alert: Alert; canAcknowledge: boolean; csrfToken: string | undefined }) {
  return (
    <div id={acknowledgementId} class="text-sm">
      {alert.acknowledgedAt ? (
        <p data-testid="acknowledged">Acknowledged <Time value={alert.acknowledgedAt} /></p>
      ) : canAcknowledge ? (
        <form method="post" action={`/alerts/${alert.id}/acknowledge`} hx-post={`/alerts/${alert.id}/acknowledge`} hx-target={`#${acknowledgementId}`} hx-swap="outerHTML">
          <input type="hidden" name="_csrf" value={csrfToken} />
          <button type="submit" class="rounded border border-slate-300 bg-white px-3 py-1 font-medium hover:bg-slate-50">Acknowledge</button>
        </form>
      ) : (
        <p class="text-slate-600">Not acknowledged.</p>
      )}
    </div>
  );
}

export function AlertDetailPage({ detail, metrics, context, canAcknowledge, diagnosisPanel }: { detail: AlertDetail; metrics: AlertMetrics; context: PageContext; canAcknowledge: boolean; diagnosisPanel: ComponentChildren }) {
  const { alert } = detail;
  const generator = safeHttpUrl(alert.generatorUrl);
  return (
    <Layout title={alertName(alert)} context={context}>
      <div class="space-y-6">
        <section class="space-y-2 rounded border border-slate-200 bg-white p-4 shadow-sm">
          <div class="flex items-center gap-3">
            <h1 class="text-xl font-semibold">{alertName(alert)}</h1>
            <StatusBadge alert={alert} />
            <span class="text-sm text-slate-600">severity {severityOf(alert)}</span>
            <div class="ml-auto"><Acknowledgement alert={alert} canAcknowledge={canAcknowledge} csrfToken={context.csrfToken} /></div>
          </div>
          {alert.annotations.summary ? <p>{alert.annotations.summary}</p> : null}
          {alert.annotations.description ? <p class="whitespace-pre-line text-sm text-slate-700">{alert.annotations.description}</p> : null}
          <p class="text-sm text-slate-600">
            Started <Time value={alert.startsAt} />
            {alert.endsAt ? <> · resolved <Time value={alert.endsAt} /></> : null}
            {generator ? <> · <a class="text-sky-700 hover:underline" href={generator} rel="noreferrer">source rule</a></> : null}
          </p>
        </section>
        {diagnosisPanel}
        <div class="grid gap-6 md:grid-cols-2">
          <section>
            <h2 class="font-medium">Labels</h2>
            <KeyValues entries={alert.labels} />
            <h2 class="mt-4 font-medium">Annotations</h2>
            <KeyValues entries={alert.annotations} />
          </section>
          <section class="space-y-4">
            <div>
              <h2 class="font-medium">Related devices</h2>
              <RelatedDevices devices={detail.relatedDevices} />
            </div>
            <div>
              <h2 class="font-medium">Occurrences</h2>
              <ol class="mt-1 space-y-1 text-sm" data-testid="occurrences">
                {detail.occurrences.map((occurrence) => (
                  <li>
                    <a class={occurrence.id === alert.id ? 'font-medium' : 'text-sky-700 hover:underline'} href={`/alerts/${occurrence.id}`}>
                      <Time value={occurrence.startsAt} />
                    </a>{' '}
                    {occurrence.endsAt ? <>→ <Time value={occurrence.endsAt} /></> : '(firing)'}
                  </li>
                ))}
              </ol>
            </div>
          </section>
        </div>
        <AlertMetricsSection metrics={metrics} />
      </div>
    </Layout>
  );
}

function RelatedDevices({ devices }: { devices: Device[] }) {
  if (devices.length === 0) return <p class="mt-1 text-sm text-slate-600">No device in the inventory matches this alert's labels.</p>;
  return (
    <ul class="mt-1 list-disc pl-5 text-sm" data-testid="related-devices">
      {devices.map((device) => (
        <li><a class="text-sky-700 hover:underline" href={`/devices/${device.id}`}>{device.name}</a> <span class="text-slate-500">({device.kind})</span></li>
      ))}
    </ul>
  );
}

function StatusBadge({ alert }: { alert: Alert }) {
  const colours = alert.status === 'firing' ? 'bg-red-100 text-red-800' : 'bg-emerald-100 text-emerald-800';
  return <span class={`rounded px-1.5 py-0.5 text-xs font-medium uppercase ${colours}`}>{alert.status}{alert.acknowledgedAt && alert.status === 'firing' ? ' · ack' : ''}</span>;
}

function LabelList({ labels, omit }: { labels: Record<string, string>; omit: string[] }) {
  return (
    <span class="flex flex-wrap gap-1">
      {Object.entries(labels).filter(([key]) => !omit.includes(key)).map(([key, value]) => <code class="rounded bg-slate-100 px-1 text-xs">{`${key}=${value}`}</code>)}
    </span>
  );
}

function KeyValues({ entries }: { entries: Record<string, string> }) {
  const pairs = Object.entries(entries).sort(([a], [b]) => a.localeCompare(b));
  if (pairs.length === 0) return <p class="mt-1 text-sm text-slate-600">None.</p>;
  return (
    <dl class="mt-1 grid grid-cols-[10rem_1fr] gap-y-1 text-sm">
      {pairs.map(([key, value]) => <><dt class="text-slate-500">{key}</dt><dd class="break-words">{value}</dd></>)}
    </dl>
  );
}

// Alert payloads are untrusted: only http(s) links are rendered, never javascript: or data:.
function safeHttpUrl(value: string | null): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
