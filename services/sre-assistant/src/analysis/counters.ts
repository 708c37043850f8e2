type Points = ReadonlyArray<readonly [seconds: number, value: number]>;

/** Names of the series that may be counters: their level means nothing, their rate everything. */
export const counterNamePattern = '.*(_total|_sum|_count)';

/**
 * Whether a series is a counter. `_total` is the counter suffix by convention; `_sum` and
 * `_count` name counters in summaries and histograms but gauges elsewhere (postgres_exporter's
 * pg_stat_activity_count), so those count as counters only when they never go down.
 */
export function isCounter(metricName: string, points: Points): boolean {
  if (metricName.endsWith('_total')) return true;
  if (!/_(sum|count)$/.test(metricName)) return false;
  return points.every(([, value], index) => index === 0 || value >= points[index - 1]![1]);
}
