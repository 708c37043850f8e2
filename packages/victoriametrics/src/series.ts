/** A closed time window, as the series and label APIs take it. */
export interface TimeWindow {
  start: Date;
  end: Date;
}

/** A closed time range sampled every `stepSeconds`, as /api/v1/query_range takes it. */
export interface TimeRange extends TimeWindow {
  stepSeconds: number;
}

/** One series: its labels (including `__name__` when the query keeps it) and its samples. */
export interface Series {
  labels: Record<string, string>;
  /** Unix time in seconds and the value; NaN and ±Inf samples are left out. */
  points: Array<[seconds: number, value: number]>;
}

export interface RangeQueryResult {
  query: string;
  series: Series[];
  /** True when more series matched than the caller's limit; `series` then holds the first ones. */
  truncated: boolean;
}

/** One series' value at an instant query's time; NaN and ±Inf are kept, being the answer. */
export interface InstantSample {
  labels: Record<string, string>;
  point: [seconds: number, value: number];
}

/**
 * What `GET /api/v1/query` answered: a vector (one value per series), a scalar, or a matrix
 * when the query is a range selector or a subquery (`up[5m]`, `rate(x[1m])[1h:5m]`).
 * `truncated` as in RangeQueryResult.
 */
export type InstantQueryResult =
  | { query: string; resultType: 'vector'; samples: InstantSample[]; truncated: boolean }
  | { query: string; resultType: 'scalar'; point: [seconds: number, value: number]; truncated: false }
  | { query: string; resultType: 'matrix'; series: Series[]; truncated: boolean };

/** Label sets of the series that matched; `truncated` when more matched than the caller's limit. */
export interface SeriesListResult {
  series: Array<Record<string, string>>;
  truncated: boolean;
}

/** Label names in a window; `truncated` when there were more than the caller's limit. */
export interface LabelNamesResult {
  names: string[];
  truncated: boolean;
}

/** Values of one label in a window; `truncated` when there were more than the caller's limit. */
export interface LabelValuesResult {
  label: string;
  values: string[];
  truncated: boolean;
}

/** What a Prometheus label name may be (VictoriaMetrics 1.79 knows no UTF-8 names). */
export const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A PromQL series selector with every value quoted and escaped, plus extra matchers given
 * verbatim: `selectorFor({instance: 'db-1:9100'}, ['__name__!~".*_total"'])`.
 */
export function selectorFor(labels: Record<string, string>, extraMatchers: readonly string[] = []): string {
  const matchers = Object.entries(labels).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  return `{${[...matchers, ...extraMatchers].join(', ')}}`;
}

// RE2 metacharacters: a label value is matched literally, whatever it contains.
const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A matcher for any of the values, each matched literally (VictoriaMetrics anchors regex
 * matchers): `anyOf('service', ['a.b', 'c'])` → `service=~"a\\.b|c"`.
 */
export function anyOf(label: string, values: readonly string[]): string {
  return `${label}=~${JSON.stringify(values.map(escapeRegex).join('|'))}`;
}
