/** A closed time range sampled every `stepSeconds`, as /api/v1/query_range takes it. */
export interface TimeRange {
  start: Date;
  end: Date;
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
