type Points = ReadonlyArray<readonly [seconds: number, value: number]>;

/** Names of the series that may be counters: their level means nothing, their rate everything. */
export const counterNamePattern = '.*(_total|_sum|_count)';

// A counter restarting (its process did) falls to near zero; a gauge going down falls by less,
// or falls as often as it rises. A reset is also rare next to the rises between resets.
const resetDrop = 0.5;
const risesPerReset = 5;

/** Whether the name is one that summaries and histograms give their counters, and some exporters their gauges. */
export const namedLikeSumOrCount = (metricName: string) => /_(sum|count)$/.test(metricName);

/**
 * Whether a series is a counter. `_total` is the counter suffix by convention; `_sum` and
 * `_count` name counters in summaries and histograms but gauges elsewhere (postgres_exporter's
 * pg_stat_activity_count), so those count as counters only when they never go down but for
 * resets: rare falls to under half the value before. A gauge that never fell in three hours and
 * then only rose (connections piling up) looks like a quiet counter and is taken for one: its
 * rate still shows a climb, but a single step up is one step's blip. Judging such a series by its
 * level as well was tried: then a quiet counter's single tick counted as a held change.
 */
export function isCounter(metricName: string, points: Points): boolean {
  if (metricName.endsWith('_total')) return true;
  if (!namedLikeSumOrCount(metricName)) return false;
  let rises = 0;
  let resets = 0;
  for (let index = 1; index < points.length; index++) {
    const previous = points[index - 1]![1];
    const value = points[index]![1];
    if (value > previous) rises += 1;
    else if (value < previous) {
      if (value >= previous * resetDrop) return false;
      resets += 1;
    }
  }
  return rises >= resets * risesPerReset;
}
