import type { Series } from '@sre/victoriametrics';
import { formatTime } from './time-window';

/** Statistics over every point of a series, not only the ones shown. */
export interface SeriesSummary {
  first: number;
  last: number;
  min: number;
  max: number;
  mean: number;
  /** How many points the query returned for the series (one per step at most). */
  samples: number;
}

/** A series as the model sees it. */
export interface SeriesDigest {
  labels: Record<string, string>;
  /** Null when the series had no finite value in the range. */
  summary: SeriesSummary | null;
  /** At most the tool's maxPointsPerSeries, evenly spaced, the first and the last included. */
  points: Array<[time: string, value: number]>;
}

/** Labels, statistics over all points and at most `maxPoints` of them: bounded, yet the extremes are still there in the summary. */
export function digestSeries(series: Series, maxPoints: number): SeriesDigest {
  const { labels, points } = series;
  return {
    labels,
    summary: summarise(points.map(([, value]) => value)),
    points: evenlySpaced(points, maxPoints).map(([seconds, value]) => [formatTime(new Date(seconds * 1000)), roundValue(value)]),
  };
}

function summarise(values: readonly number[]): SeriesSummary | null {
  if (values.length === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const value of values) {
    min = Math.min(min, value);
    max = Math.max(max, value);
    sum += value;
  }
  return {
    first: roundValue(values[0]!),
    last: roundValue(values.at(-1)!),
    min: roundValue(min),
    max: roundValue(max),
    mean: roundValue(sum / values.length),
    samples: values.length,
  };
}

/** At most `count` of `items`, evenly spaced by position; the first and the last are always among them. */
export function evenlySpaced<Item>(items: readonly Item[], count: number): Item[] {
  if (items.length <= count) return [...items];
  if (count <= 0) return [];
  if (count === 1) return [items.at(-1)!];
  const stride = (items.length - 1) / (count - 1);
  return Array.from({ length: count }, (_, index) => items[Math.round(index * stride)]!);
}

/** A value without float noise (0.30000000000000004 costs the model tokens and says nothing more than 0.3). */
export function roundValue(value: number): number {
  return Number(value.toPrecision(10));
}

/** A sample's value for the model: ±Inf and NaN, which JSON cannot carry, written as Prometheus writes them. */
export function valueForModel(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return roundValue(value);
}

/** The digests of a list of series, and a phrase for the points left out, when any were. */
export function digestSeriesList(series: readonly Series[], maxPoints: number): { digests: SeriesDigest[]; pointsLeftOut: boolean; pointsDescription: string } {
  const longest = Math.max(0, ...series.map(({ points }) => points.length));
  const pointsLeftOut = longest > maxPoints;
  return {
    digests: series.map((one) => digestSeries(one, maxPoints)),
    pointsLeftOut,
    pointsDescription: pointsLeftOut ? `; ${maxPoints} of up to ${longest} points per series shown, statistics over all` : '',
  };
}

/** What the model can do about an empty or cut answer; undefined when there is nothing to say. */
export function seriesHint(outcome: { empty: boolean; seriesLeftOut: boolean; pointsLeftOut: boolean }): string | undefined {
  const hints = [
    outcome.empty && 'No series matched: check metric and label names with find_metric_series or list_metric_labels, or look at another time.',
    outcome.seriesLeftOut && 'Not every series is shown: aggregate (sum by (label) (…), topk(5, …)) or add label matchers to see the ones that matter.',
    outcome.pointsLeftOut && 'Points are evenly spaced picks from each series; its summary covers every point. Query a shorter range for detail.',
  ].filter((hint) => typeof hint === 'string');
  return hints.length > 0 ? hints.join(' ') : undefined;
}
