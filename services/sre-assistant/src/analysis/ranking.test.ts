import { describe, expect, it } from 'vitest';
import type { Entity } from './entities';
import type { CollectedSeries } from './evidence-collector';
import { rankChanges } from './ranking';
import { analysisWindows } from './windows';

const alertStart = new Date('2026-03-01T03:00:00Z');
const windows = analysisWindows(alertStart, new Date('2026-03-01T03:05:00Z'));
const web: Entity = { name: 'web-1', deviceId: 'web', selector: { instance: 'web-1:9100' }, relation: 'alerting' };
const database: Entity = { name: 'db-1', deviceId: 'db', selector: { device: 'db-1' }, relation: 'dependency' };

/** A series sampled every 15 s through both windows: `before` until `changeAt`, `after` from then on, with a small wobble. */
function series(entity: Entity, labels: Record<string, string>, before: number, after: number, kind: CollectedSeries['kind'] = 'gauge', changeAt = alertStart): CollectedSeries {
  const points: Array<[number, number]> = [];
  for (let time = windows.baseline.start.getTime(); time <= windows.anomaly.end.getTime(); time += 15_000) {
    const wobble = ((time / 15_000) % 2 === 0 ? 1 : -1) * 0.01 * Math.max(Math.abs(before), 1);
    points.push([time / 1000, (time < changeAt.getTime() ? before : after) + wobble]);
  }
  return { entity, query: `query for ${entity.name}`, kind, labels, points };
}

describe('rankChanges', () => {
  it('puts the series that moved most first, with its evidence', () => {
    const { hypotheses, comparedSeries } = rankChanges(
      [
        series(web, { __name__: 'node_load1', instance: 'web-1:9100' }, 1, 1.01),
        series(database, { __name__: 'pg_connections', device: 'db-1' }, 20, 95),
        series(web, { __name__: 'node_memory_free_bytes', instance: 'web-1:9100' }, 4e9, 2e9),
      ],
      windows,
    );
    expect(comparedSeries).toBe(3);
    expect(hypotheses.map((hypothesis) => [hypothesis.rank, hypothesis.entity, hypothesis.metric, hypothesis.direction])).toEqual([
      [1, 'db-1', 'pg_connections', 'up'],
      [2, 'web-1', 'node_memory_free_bytes', 'down'],
    ]);
    const [first] = hypotheses;
    expect(first!.deviceId).toBe('db');
    expect(first!.statement).toMatch(/^pg_connections on db-1 rose from 20 to \d+(\.\d+)? \(\d+(\.\d+)? baseline deviations\)$/);
    expect(first!.evidence.query).toBe('query for db-1');
    expect(first!.evidence.series).toEqual({ __name__: 'pg_connections', device: 'db-1' });
    expect(first!.evidence.baseline).toMatchObject({ start: windows.baseline.start.toISOString(), end: windows.baseline.end.toISOString(), samples: 241 });
    expect(first!.evidence.baseline.mean).toBeCloseTo(20, 0);
    expect(first!.evidence.anomaly.max).toBeGreaterThan(94);
  });

  it('keeps one hypothesis per entity and metric: its most-changed series', () => {
    const { hypotheses } = rankChanges(
      [
        series(web, { __name__: 'node_cpu_seconds_total', instance: 'web-1:9100', cpu: '0', mode: 'user' }, 0.1, 0.3, 'rate'),
        series(web, { __name__: 'node_cpu_seconds_total', instance: 'web-1:9100', cpu: '1', mode: 'user' }, 0.1, 0.9, 'rate'),
      ],
      windows,
    );
    expect(hypotheses).toHaveLength(1);
    expect(hypotheses[0]!.evidence.series.cpu).toBe('1');
    expect(hypotheses[0]!.statement).toMatch(/^the per-second rate of node_cpu_seconds_total\{cpu="1", mode="user"\} on web-1 rose/);
  });

  it('drops changes below the threshold and series without a baseline', () => {
    const late = series(web, { __name__: 'new_metric' }, 0, 50);
    late.points = late.points.filter(([seconds]) => seconds * 1000 >= windows.anomaly.start.getTime());
    const { hypotheses, comparedSeries } = rankChanges([series(web, { __name__: 'steady' }, 5, 5.01), late], windows);
    expect(hypotheses).toEqual([]);
    expect(comparedSeries).toBe(1);
  });

  it('breaks ties the same way every time: alerting entity first, then by name', () => {
    const tied = [series(database, { __name__: 'b_metric' }, 0, 10), series(web, { __name__: 'z_metric' }, 0, 10), series(web, { __name__: 'a_metric' }, 0, 10)];
    const order = (input: CollectedSeries[]) => rankChanges(input, windows).hypotheses.map((hypothesis) => `${hypothesis.entity}/${hypothesis.metric}`);
    expect(order(tied)).toEqual(['web-1/a_metric', 'web-1/z_metric', 'db-1/b_metric']);
    expect(order([...tied].reverse())).toEqual(order(tied));
  });
});
