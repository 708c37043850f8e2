import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVictoriaMetricsClient } from '@sre/victoriametrics';
import { startVictoriaMetrics, type RunningVictoriaMetrics } from '../../../../test/victoriametrics';
import { createEvidenceCollector, type Collection } from './evidence-collector';
import { analysisWindows } from './windows';

// An hour ago an alert on db-1; the data goes on to now, past the anomaly window's ten minutes.
const now = Date.now();
const alertStart = new Date(now - 60 * 60_000);

/** Prometheus text, one sample every 15 s from 200 minutes before the alert to now. */
function samples(): string {
  const lines: string[] = [];
  for (let time = alertStart.getTime() - 200 * 60_000, step = 0; time <= now; time += 15_000, step += 1) {
    const sinceAlert = time - alertStart.getTime();
    // A gauge named like a counter that sat flat for hours and then only rose: connections piling up.
    lines.push(`pool_connections_count{device="db-1"} ${sinceAlert >= 0 ? 5 + Math.floor(sinceAlert / 60_000) : 5} ${time}`);
    // A counter that counts at every scrape.
    lines.push(`http_request_duration_seconds_count{device="db-1"} ${step * 3} ${time}`);
    // A gauge that goes up and down.
    lines.push(`pg_stat_activity_count{device="db-1"} ${20 + (Math.floor(step / 4) % 2 === 0 ? 1 : -1)} ${time}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('the evidence collector against a real VictoriaMetrics', () => {
  let victoriaMetrics: RunningVictoriaMetrics;
  let collection: Collection;
  const windows = analysisWindows(alertStart, new Date(now));
  beforeAll(async () => {
    victoriaMetrics = await startVictoriaMetrics();
    await victoriaMetrics.importPrometheus(samples());
    const collector = createEvidenceCollector({ metrics: createVictoriaMetricsClient({ url: victoriaMetrics.url, timeoutMs: 2_000 }), inventory: undefined });
    collection = await collector.collect({ device: 'db-1' }, windows, AbortSignal.timeout(10_000));
  }, 30_000);
  afterAll(async () => {
    await victoriaMetrics?.stop();
  });

  const kindsOf = (metric: string) => collection.series.filter((series) => series.labels.__name__ === metric).map((series) => series.kind).sort();

  it('judges a counter by its rate and a gauge named like one by its level, once each', () => {
    expect(kindsOf('http_request_duration_seconds_count')).toEqual(['rate']);
    expect(kindsOf('pg_stat_activity_count')).toEqual(['gauge']);
    // Never fell: taken for a counter (counters.ts says why), and its climb shows in its rate.
    expect(kindsOf('pool_connections_count')).toEqual(['rate']);
  });

  it('fetches past the anomaly window when the diagnosis runs after it, so a change at its end can be confirmed', () => {
    expect(windows.dataEnd.getTime()).toBe(windows.anomaly.end.getTime() + 10 * 60_000);
    const [level] = collection.series.filter((series) => series.labels.__name__ === 'pg_stat_activity_count');
    const lastSeconds = level!.points.at(-1)![0];
    expect(lastSeconds * 1000).toBeGreaterThan(windows.anomaly.end.getTime());
    expect(lastSeconds * 1000).toBeLessThanOrEqual(windows.dataEnd.getTime());
  });
});
