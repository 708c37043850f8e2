import { describe, expect, it } from 'vitest';
import { isCounter } from './counters';

describe('isCounter', () => {
  it('takes _total as a counter whatever its samples do', () => {
    expect(isCounter('http_requests_total', [[0, 5], [15, 3]])).toBe(true);
  });

  it('takes _count and _sum as counters only when they never go down', () => {
    expect(isCounter('http_request_duration_seconds_count', [[0, 1], [15, 4], [30, 4]])).toBe(true);
    expect(isCounter('pg_stat_activity_count', [[0, 20], [15, 18], [30, 25]])).toBe(false);
  });

  it('takes a _count that restarts from zero between steady rises as a counter', () => {
    const rising = (from: number, start: number) => Array.from({ length: 10 }, (_, index) => [start + index * 15, from + index * 7] as const);
    expect(isCounter('http_request_duration_seconds_count', [...rising(5_000, 0), ...rising(0, 150)])).toBe(true);
  });

  it('takes a _count that falls by less than half, or falls about as often as it rises, as a gauge', () => {
    expect(isCounter('pg_stat_activity_count', [[0, 40], [15, 42], [30, 44], [45, 46], [60, 48], [75, 50], [90, 30]])).toBe(false);
    expect(isCounter('queue_jobs_count', [[0, 40], [15, 2], [30, 40], [45, 2], [60, 40]])).toBe(false);
    // A step down with nothing rising around it is a gauge's change, not a restart.
    expect(isCounter('pool_connections_count', [[0, 40], [15, 40], [30, 10], [45, 10]])).toBe(false);
  });

  it('takes everything else as a gauge', () => {
    expect(isCounter('node_load1', [[0, 1], [15, 2]])).toBe(false);
  });
});
