// Moving a case's series into VictoriaMetrics and back out, exactly as stored.
import type { DatasetSeries } from './case';

/** Prometheus exposition text for the samples in [from, to] (dataset time), shifted by `shiftSeconds`. */
export function exposition(series: readonly DatasetSeries[], from: number, to: number, shiftSeconds: number): { text: string; samples: number } {
  const lines: string[] = [];
  for (const { labels, points } of series) {
    const { __name__: name, ...rest } = labels;
    const selector = `${name}{${Object.entries(rest).map(([label, value]) => `${label}="${escapeLabelValue(value)}"`).join(',')}}`;
    for (const [seconds, value] of points) {
      if (seconds < from || seconds > to || !Number.isFinite(value)) continue;
      lines.push(`${selector} ${value} ${Math.round((seconds + shiftSeconds) * 1000)}`);
    }
  }
  return { text: lines.length ? `${lines.join('\n')}\n` : '', samples: lines.length };
}

// The exposition format escapes backslash, double quote and line feed in label values.
const escapeLabelValue = (value: string) => value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');

/** A series' identity, its label set in a fixed order, to find the series a case loaded among all a VictoriaMetrics holds. */
// An empty label value is no label (VictoriaMetrics stores none), so both sides drop it.
export const seriesKey = (labels: Readonly<Record<string, string>>): string =>
  JSON.stringify(
    Object.entries(labels)
      .filter(([, value]) => value !== '')
      .sort(([left], [right]) => left.localeCompare(right)),
  );

/**
 * The raw samples stored in [start, end] (unix seconds) of the series named in `only` (by
 * seriesKey), as /api/v1/export returns them. A shared VictoriaMetrics (--vm-url) holds other
 * series in the same window; the reference methods must rank what the case loaded, nothing else.
 */
export async function exportSamples(victoriaMetricsUrl: string, start: number, end: number, only: ReadonlySet<string>): Promise<DatasetSeries[]> {
  const parameters = new URLSearchParams({ 'match[]': '{__name__!=""}', start: String(start), end: String(end) });
  const response = await fetch(`${victoriaMetricsUrl}/api/v1/export?${parameters}`);
  await expectOk(response, 'export');
  const text = await response.text();
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { metric: Record<string, string>; values: number[]; timestamps: number[] })
    .filter(({ metric }) => only.has(seriesKey(metric)))
    .map(({ metric, values, timestamps }) => ({ labels: metric, points: timestamps.map((milliseconds, index): [number, number] => [milliseconds / 1000, values[index]!]) }));
}

async function expectOk(response: Response, what: string): Promise<void> {
  if (!response.ok) throw new Error(`VictoriaMetrics ${what} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
}
