import type { UpstreamFailure } from '@sre/service-kit';
import { selectorFor, type RangeQueryResult, type TimeRange } from '@sre/victoriametrics';
import type { Alert } from './alert';
import type { GrafanaDashboard } from './grafana-dashboard';

const hourMs = 3_600_000;

/** How much of an alert's history the chart shows, and how much data it asks for. */
export const chartLimits = {
  /** Shown before the alert started, to see what led up to it. */
  lookbackMs: 2 * hourMs,
  /** The widest window; a long-running alert shows its latest 24 hours. */
  maxWindowMs: 24 * hourMs,
  /** Roughly the number of samples per series: enough detail for a page-wide chart. */
  targetPoints: 300,
  maxSeries: 20,
} as const;

/** Series aligned on one time axis, the shape uPlot draws (values are null where a series has no sample). */
export interface ChartData {
  /** Unix seconds, ascending. */
  timestamps: number[];
  series: Array<{ name: string; values: Array<number | null> }>;
  /** The queried window in Unix seconds, so the axis spans it even where data is missing. */
  window: { start: number; end: number };
  /** Vertical lines at the alert's start and end (Unix seconds), when they fall in the window. */
  markers: Array<{ label: string; at: number }>;
}

/** The alert page's chart, in each state the page can show it in. */
export type AlertChart =
  | { status: 'not_configured' }
  | { status: 'no_expression' }
  | { status: 'loading'; alertId: string; expression: string }
  | { status: 'ok'; alertId: string; expression: string; range: TimeRange; data: ChartData; truncated: boolean }
  | { status: 'failed'; alertId: string; expression: string; failure: UpstreamFailure; message: string };

/** What the alert page shows of the alert's metrics when it is first rendered. */
export interface AlertMetrics {
  /** A placeholder that loads the chart, or why there is no chart. */
  chart: AlertChart;
  dashboards: GrafanaDashboard[];
}

/**
 * The PromQL expression that fired the alert, from its generator URL: Prometheus links to
 * `/graph?g0.expr=…`, vmalert with `-external.alert.source` to vmui's `/vmui/#/?g0.expr=…`
 * (the parameters after the hash). Undefined when the URL carries none.
 */
export function alertExpression(generatorUrl: string | null): string | undefined {
  if (!generatorUrl) return undefined;
  let url: URL;
  try {
    url = new URL(generatorUrl);
  } catch {
    return undefined;
  }
  const hashQuery = url.hash.indexOf('?');
  const candidates = [url.searchParams.get('g0.expr'), hashQuery >= 0 ? new URLSearchParams(url.hash.slice(hashQuery + 1)).get('g0.expr') : null];
  return candidates.map((candidate) => candidate?.trim()).find((candidate) => candidate) || undefined;
}

/**
 * The window to chart: from two hours before the alert started to its end (or now while it
 * fires), at most 24 hours, sampled about 300 times with a whole-second step.
 */
export function chartRange(alert: Pick<Alert, 'startsAt' | 'endsAt'>, now: Date): TimeRange {
  const end = wholeSecond(Math.min(alert.endsAt?.getTime() ?? now.getTime(), now.getTime()));
  let start = wholeSecond(Math.max(alert.startsAt.getTime() - chartLimits.lookbackMs, end - chartLimits.maxWindowMs));
  // Only a start time in the future (clock skew) or an end before the start gets here.
  if (start >= end) start = end - chartLimits.lookbackMs;
  const stepSeconds = Math.max(1, Math.round((end - start) / 1000 / chartLimits.targetPoints));
  return { start: new Date(start), end: new Date(end), stepSeconds };
}

/** Aligns the query's series on one time axis and adds the alert's start and end markers. */
export function chartData(result: RangeQueryResult, range: TimeRange, alert: Pick<Alert, 'startsAt' | 'endsAt'>): ChartData {
  const timestamps = [...new Set(result.series.flatMap((series) => series.points.map(([seconds]) => seconds)))].sort((a, b) => a - b);
  const series = result.series.map((one) => {
    const byTime = new Map(one.points);
    return { name: seriesName(one.labels), values: timestamps.map((seconds) => byTime.get(seconds) ?? null) };
  });
  const window = { start: range.start.getTime() / 1000, end: range.end.getTime() / 1000 };
  const markers = [
    { label: 'started', at: alert.startsAt.getTime() / 1000 },
    ...(alert.endsAt ? [{ label: 'resolved', at: alert.endsAt.getTime() / 1000 }] : []),
  ].filter((marker) => marker.at >= window.start && marker.at <= window.end);
  return { timestamps, series, window, markers };
}

/** A series' legend name in PromQL's own notation: `node_load1{instance="web-1:9100"}`. */
export function seriesName(labels: Record<string, string>): string {
  const { __name__: metric = '', ...rest } = labels;
  return Object.keys(rest).length || !metric ? `${metric}${selectorFor(rest)}` : metric;
}

const wholeSecond = (milliseconds: number) => Math.floor(milliseconds / 1000) * 1000;
