import { describe, expect, it } from 'vitest';
import { faultKindOf, harmfulDirection } from './fault-kinds';

describe('faultKindOf', () => {
  it.each([
    ['node_cpu_seconds_total', 'cpu'],
    ['container_cpu_cfs_throttled_seconds_total', 'cpu'],
    ['node_load1', 'cpu'],
    ['pod_workload', 'traffic'],
    ['file_upload', 'other'],
    ['kafka_consumergroup_lag', 'latency'],
    ['feature_flag_enabled', 'other'],
    ['node_memory_MemAvailable_bytes', 'memory'],
    ['http_request_duration_seconds_sum', 'latency'],
    ['pod_client_latency_p90_seconds', 'latency'],
    ['success_rate_percent', 'errors'],
    ['http_requests_errors_total', 'errors'],
    ['node_network_receive_bytes_total', 'network'],
    ['http_requests_total', 'traffic'],
    ['pg_stat_activity_count', 'traffic'],
    ['node_disk_io_time_seconds_total', 'disk'],
    ['up', 'other'],
  ])('%s is %s', (metric, kind) => {
    expect(faultKindOf(metric)).toBe(kind);
  });
});

describe('harmfulDirection', () => {
  it.each([
    ['pod_server_latency_p99_seconds', 'up'],
    ['http_requests_errors_total', 'up'],
    ['success_rate_percent', 'down'],
    ['availability_average', 'down'],
    ['http_request_duration_seconds_count', 'either'],
    ['cpu_usage_ratio', 'up'],
    ['node_load1', 'up'],
    ['node_cpu_idle_ratio', 'down'],
    ['container_spec_cpu_quota', 'either'],
    ['node_cpu_scaling_frequency_hertz', 'either'],
    ['memory_usage_bytes', 'either'],
    ['network_transmit_bytes', 'either'],
    ['requests_sum', 'either'],
  ])('%s hurts when it goes %s', (metric, direction) => {
    expect(harmfulDirection(metric)).toBe(direction);
  });

  it("reads an idle CPU share from the series' labels", () => {
    expect(harmfulDirection('node_cpu_seconds_total', 'cpu', { mode: 'idle', cpu: '0' })).toBe('down');
    expect(harmfulDirection('node_cpu_seconds_total', 'cpu', { mode: 'user', cpu: '0' })).toBe('up');
    // Only the mode says so: a label that happens to read "idle" says nothing about the CPU.
    expect(harmfulDirection('node_cpu_seconds_total', 'cpu', { mode: 'user', pool: 'idle' })).toBe('up');
  });
});
