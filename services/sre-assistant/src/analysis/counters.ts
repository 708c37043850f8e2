import { stepsPerSample } from './series-change';

type Points = ReadonlyArray<readonly [seconds: number, value: number]>;

/** Names of the series that may be counters: their level means nothing, their rate everything. */
export const counterNamePattern = '.*(_total|_sum|_count)';

/** Whether the name is one that summaries and histograms give their counters, and some exporters their gauges. */
export const namedLikeSumOrCount = (metricName: string) => /_(sum|count)$/.test(metricName);

/** What a series' samples say it is: a counter (judge its rate), a gauge (its level), or unclear (judge both). */
export type SeriesNature = 'counter' | 'gauge' | 'unclear';

// A counter restarting (its process did) falls to near zero; a gauge going down falls by less,
// or falls as often as it rises. A reset is also rare next to the rises between resets.
const resetDrop = 0.5;
const risesPerReset = 5;
// A counter of something that goes on (requests, bytes, seconds spent) rises at most samples.
const countingShare = 0.5;

/**
 * Whether a series is a counter. `_total` is the counter suffix by convention; `_sum` and
 * `_count` name counters in summaries and histograms but gauges elsewhere (postgres_exporter's
 * pg_stat_activity_count). Such a series is a gauge when it goes down other than by a reset (a
 * rare fall to under half the value before), a counter when it also rises at most samples, and
 * unclear when it mostly stays flat: a quiet counter and a gauge that only rose (connections
 * piling up in an overload) look alike, so both its level and its rate are judged.
 */
export function seriesNature(metricName: string, points: Points): SeriesNature {
  if (metricName.endsWith('_total')) return 'counter';
  if (!namedLikeSumOrCount(metricName)) return 'gauge';
  let rises = 0;
  let resets = 0;
  for (let index = 1; index < points.length; index++) {
    const previous = points[index - 1]![1];
    const value = points[index]![1];
    if (value > previous) rises += 1;
    else if (value < previous) {
      if (value >= previous * resetDrop) return 'gauge';
      resets += 1;
    }
  }
  if (rises < resets * risesPerReset) return 'gauge';
  // A series scraped less often than the step repeats each sample: count samples, not steps.
  const samples = (points.length - 1) / stepsPerSample(points.map(([, value]) => value));
  return rises > 0 && rises >= countingShare * samples ? 'counter' : 'unclear';
}
