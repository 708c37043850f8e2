import type { UpstreamFailure } from '@sre/service-kit';
import { JsonData } from '../web/json-data';
import { Notice } from '../web/layout.views';
import { formatUtc } from '../web/time.views';
import type { AlertChart, AlertMetrics } from './alert-chart';
import type { GrafanaDashboard } from './grafana-dashboard';

export const alertChartId = 'alert-chart';
export const alertChartUrl = (alertId: string) => `/alerts/${alertId}/chart`;

const failureTitles: Record<UpstreamFailure, string> = {
  unreachable: 'VictoriaMetrics could not be reached',
  timeout: 'VictoriaMetrics did not answer in time',
  client: 'VictoriaMetrics rejected the query',
  server: 'VictoriaMetrics failed to answer',
  auth: 'VictoriaMetrics refused the control plane',
  rate_limited: 'VictoriaMetrics is limiting queries',
};

/** The alert's metrics: the chart of its expression (loaded after the page) and its devices' Grafana dashboards. */
export function AlertMetricsSection({ metrics }: { metrics: AlertMetrics }) {
  return (
    <section class="space-y-4">
      <div class="space-y-2 rounded border border-slate-200 bg-white p-4 shadow-sm">
        <h2 class="font-medium">Expression over time</h2>
        {metrics.chart.status === 'loading' ? (
          <>
            <link rel="stylesheet" href="/assets/uplot.css" />
            <script type="module" src="/assets/alert-chart.js"></script>
          </>
        ) : null}
        <AlertChartFragment chart={metrics.chart} />
      </div>
      {metrics.dashboards.length ? <GrafanaDashboards dashboards={metrics.dashboards} /> : null}
    </section>
  );
}

/** The chart in each of its states; while loading it fetches itself, so a slow VictoriaMetrics never delays the page. */
export function AlertChartFragment({ chart }: { chart: AlertChart }) {
  switch (chart.status) {
    case 'not_configured':
      return (
        <div id={alertChartId}>
          <p class="text-sm text-slate-600">VictoriaMetrics is not configured (set VM_URL).</p>
        </div>
      );
    case 'no_expression':
      return (
        <div id={alertChartId}>
          <p class="text-sm text-slate-600">
            This alert carries no expression to chart: its source URL has no <code>g0.expr</code> parameter (Prometheus adds it; vmalert does when
            run with <code>-external.alert.source</code>).
          </p>
        </div>
      );
    case 'loading':
      return (
        <div id={alertChartId} hx-get={alertChartUrl(chart.alertId)} hx-trigger="load" hx-target={`#${alertChartId}`} hx-swap="outerHTML" aria-busy="true">
          <Expression expression={chart.expression} />
          <p class="text-sm text-slate-600">Loading the chart from VictoriaMetrics…</p>
        </div>
      );
    case 'failed':
      return (
        <div id={alertChartId} class="space-y-2">
          <Expression expression={chart.expression} />
          <Notice tone="error" title={failureTitles[chart.failure]}>
            <p class="break-words" data-testid="chart-failure">{chart.message}</p>
          </Notice>
          <button
            type="button"
            hx-get={alertChartUrl(chart.alertId)}
            hx-target={`#${alertChartId}`}
            hx-swap="outerHTML"
            class="rounded border border-slate-300 bg-white px-3 py-1 text-sm font-medium hover:bg-slate-50"
          >
            Retry
          </button>
        </div>
      );
    case 'ok': {
      const { range, data } = chart;
      return (
        <div id={alertChartId} class="space-y-2">
          <Expression expression={chart.expression} />
          <p class="text-xs text-slate-600">
            {formatUtc(range.start)} to {formatUtc(range.end)}, one point every {range.stepSeconds} s.
          </p>
          {chart.truncated ? (
            <p class="text-sm text-amber-800" data-testid="chart-truncated">
              The expression returned more series than the chart draws: showing the first {data.series.length}.
            </p>
          ) : null}
          {data.series.length === 0 ? (
            <p class="text-sm text-slate-600" data-testid="chart-empty">The expression returned no data in this window.</p>
          ) : (
            <div data-alert-chart>
              <div data-alert-chart-canvas role="img" aria-label={`Chart of ${chart.expression}`}></div>
              <JsonData value={data} data-testid="chart-data" />
            </div>
          )}
        </div>
      );
    }
  }
}

function Expression({ expression }: { expression: string }) {
  return (
    <p class="text-sm">
      <code class="break-all rounded bg-slate-100 px-1" data-testid="chart-expression">{expression}</code>
    </p>
  );
}

function GrafanaDashboards({ dashboards }: { dashboards: GrafanaDashboard[] }) {
  return (
    <div class="space-y-3" data-testid="grafana-dashboards">
      <h2 class="font-medium">Grafana</h2>
      {dashboards.map((dashboard) => (
        <figure class="space-y-1">
          <figcaption class="text-sm text-slate-600">
            {dashboard.deviceName} ·{' '}
            <a class="text-sky-700 hover:underline" href={dashboard.url} target="_blank" rel="noreferrer">
              open in Grafana
            </a>
          </figcaption>
          <iframe src={dashboard.url} title={`Grafana dashboard for ${dashboard.deviceName}`} loading="lazy" class="h-[32rem] w-full rounded border border-slate-200 bg-white"></iframe>
        </figure>
      ))}
    </div>
  );
}
