import type { FaultKind } from '@sre/db';

// Metric names follow conventions (Prometheus naming, exporters' vocabularies) that say what
// they measure. Order matters: `container_cpu_cfs_throttled_seconds_total` is CPU, not latency;
// `http_request_duration_seconds` is latency, not traffic. Short words match only as whole words
// of the name (`node_load1` is CPU, `file_upload` is not; `consumer_lag` is latency, `feature_flag` is not).
const kindPatterns: ReadonlyArray<readonly [FaultKind, RegExp]> = [
  ['cpu', /cpu|(^|_)load\d*$|throttl/],
  ['memory', /mem|heap|rss|oom|swap|gc_/],
  ['errors', /error|fail|success|availab|status_5|5xx|exception|reject|drop/],
  ['latency', /latency|duration|response_time|delay|wait|(^|_)lag(_|$)/],
  ['disk', /disk|filesystem|io_time|iops|syscall|fs_|block/],
  ['network', /network|net_|receive|transmit|packet|tcp|udp|socket|bandwidth/],
  ['traffic', /request|workload|ops|throughput|qps|rps|calls|sessions|connections|count$/],
];

/** The fault kind a metric's name points at; `other` when the name says nothing we recognise. */
export function faultKindOf(metricName: string): FaultKind {
  const name = metricName.toLowerCase();
  return kindPatterns.find(([, pattern]) => pattern.test(name))?.[0] ?? 'other';
}

/**
 * Which way a metric moves when something is wrong: latency up, errors up, success down, CPU up.
 * A series moving the other way is getting better or idler, which is no symptom of a fault: a
 * service that fails fast answers sooner, and one whose CPU falls has lost work to something else
 * (an idle CPU share, `mode="idle"`, is the mirror image and hurts going down; a quota, limit or
 * clock frequency of the CPU hurts either way). Memory, disk, network and traffic can hurt either
 * way (a restart frees memory, a stalled link moves fewer bytes, lost requests are the symptom),
 * and so can a latency counter's `_sum` or `_count`, whose rates measure load, not delay.
 */
export function harmfulDirection(metricName: string, kind: FaultKind = faultKindOf(metricName), labels: Readonly<Record<string, string>> = {}): 'up' | 'down' | 'either' {
  const name = metricName.toLowerCase();
  switch (kind) {
    case 'latency':
      return /_(sum|count|total|bucket)$/.test(name) ? 'either' : 'up';
    case 'errors':
      return /success|availab/.test(name) ? 'down' : 'up';
    case 'cpu':
      // What the CPU may use (a quota, a limit, a clock frequency) hurts when it falls.
      if (/quota|limit|shares|freq/.test(name)) return 'either';
      return /idle/.test(name) || labels.mode === 'idle' ? 'down' : 'up';
    default:
      return 'either';
  }
}
