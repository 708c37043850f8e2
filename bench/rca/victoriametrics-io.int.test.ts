import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPrometheus, startVictoriaMetrics, type RunningVictoriaMetrics } from '../../test/victoriametrics';
import type { DatasetSeries } from './case';
import { exportSamples, exposition, seriesKey } from './victoriametrics-io';

describe('a case\'s series into VictoriaMetrics and back', () => {
  let victoriaMetrics: RunningVictoriaMetrics;
  beforeAll(async () => {
    victoriaMetrics = await startVictoriaMetrics();
  });
  afterAll(async () => {
    await victoriaMetrics?.stop();
  });

  it('reads back only the series the case loaded, though the window holds others', async () => {
    const now = Math.floor(Date.now() / 1000) - 3_600;
    const points = (value: number): Array<[number, number]> => [0, 60, 120].map((offset) => [now + offset, value]);
    const caseSeries: DatasetSeries[] = [
      { labels: { __name__: 'cpu_usage', service: 'cart', pod: '' }, points: points(0.5) },
      { labels: { __name__: 'latency_p99', service: 'checkout' }, points: points(0.2) },
    ];
    // Another tenant of a shared VictoriaMetrics (npm start's own services, another case).
    const foreign: DatasetSeries[] = [{ labels: { __name__: 'cpu_usage', service: 'frontend' }, points: points(9) }];
    await importPrometheus(victoriaMetrics.url, exposition([...caseSeries, ...foreign], now, now + 120, 0).text);

    const stored = await exportSamples(victoriaMetrics.url, now, now + 120, new Set(caseSeries.map((series) => seriesKey(series.labels))));
    expect(stored.map((series) => series.labels).sort((left, right) => left.service!.localeCompare(right.service!))).toEqual([
      { __name__: 'cpu_usage', service: 'cart' },
      { __name__: 'latency_p99', service: 'checkout' },
    ]);
    expect(stored.find((series) => series.labels.service === 'cart')!.points).toEqual(points(0.5));
  });
});
