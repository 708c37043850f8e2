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

  it('takes everything else as a gauge', () => {
    expect(isCounter('node_load1', [[0, 1], [15, 2]])).toBe(false);
  });
});
