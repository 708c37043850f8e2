// An incident to diagnose, in a real VictoriaMetrics: web-1 alerts on its latency; it depends on
// db-1, whose connections jumped when the alert began. Beside it, a host whose alert came late,
// one too new to judge, one that fell silent and one restarted after its alert.
import type { InventoryDeviceDetail } from '../src/integrations/control-plane.client';

// Three minutes ago: a change must hold for two points of the one-minute analysis step to count.
export const alertStart = new Date(Date.now() - 3 * 60_000);

// Twelve minutes ago: restarted-1's latency rose then, and its load only seven minutes later.
export const restartedAlertStart = new Date(Date.now() - 12 * 60_000);

export const inventory: InventoryDeviceDetail[] = [
  { id: '7d1c3a52-0000-4000-8000-000000000001', name: 'web-1', kind: 'host', labels: { instance: 'web-1:9100' }, dependsOn: [{ id: '7d1c3a52-0000-4000-8000-000000000002', name: 'db-1', kind: 'database' }], dependents: [] },
  { id: '7d1c3a52-0000-4000-8000-000000000002', name: 'db-1', kind: 'database', labels: { device: 'db-1' }, dependsOn: [], dependents: [] },
];

/** Prometheus text for the three hours before the alert and the minute since, one sample every 15 s. */
export function metricsAroundTheAlert(): string {
  const lines: string[] = [];
  const end = Date.now();
  for (let time = end - 190 * 60_000, step = 0; time <= end; time += 15_000, step += 1) {
    // Up one minute, down the next: at the analysis' one-minute step the gauges visibly go down too.
    const wobble = Math.floor(step / 4) % 2 === 0 ? 1 : -1;
    const broken = time >= alertStart.getTime() - 15_000;
    lines.push(`node_load1{instance="web-1:9100",job="node"} ${1 + 0.05 * wobble} ${time}`);
    lines.push(`http_request_duration_seconds{instance="web-1:9100",job="node",quantile="0.9"} ${(broken ? 0.9 : 0.1) + 0.005 * wobble} ${time}`);
    lines.push(`node_network_receive_bytes_total{instance="web-1:9100",job="node",device="eth0"} ${step * 15_000} ${time}`);
    lines.push(`pg_stat_activity_count{device="db-1",job="postgres"} ${(broken ? 400 : 20) + wobble} ${time}`);
    lines.push(`pg_up{device="db-1",job="postgres"} 1 ${time}`);
    // late-1's latency and load rose twelve minutes before its alert, as with a rule's `for: 10m`.
    const late = time >= alertStart.getTime() - 12 * 60_000;
    lines.push(`http_request_duration_seconds{instance="late-1:9100",job="node",quantile="0.9"} ${(late ? 0.9 : 0.1) + 0.005 * wobble} ${time}`);
    lines.push(`node_load1{instance="late-1:9100",job="node"} ${(late ? 6 : 1) + 0.05 * wobble} ${time}`);
    // restarted-1 slowed when its alert began; its load rose seven minutes later (responders restarting it).
    lines.push(`http_request_duration_seconds{instance="restarted-1:9100",job="node",quantile="0.9"} ${(time >= restartedAlertStart.getTime() - 15_000 ? 0.9 : 0.1) + 0.005 * wobble} ${time}`);
    lines.push(`node_load1{instance="restarted-1:9100",job="node"} ${(time >= restartedAlertStart.getTime() + 7 * 60_000 ? 6 : 1) + 0.05 * wobble} ${time}`);
    // A host whose exporter fell silent twenty minutes before the alert.
    if (time < alertStart.getTime() - 20 * 60_000) lines.push(`node_load1{instance="gone-1:9100",job="node"} ${1 + 0.05 * wobble} ${time}`);
    // A host whose exporter started four minutes before the alert, and a db-1 metric as new:
    // nothing to compare them with.
    if (time >= alertStart.getTime() - 4 * 60_000) {
      lines.push(`node_load1{instance="fresh-1:9100",job="node"} ${broken ? 9 : 1} ${time}`);
      lines.push(`pg_replication_lag_seconds{device="db-1",job="postgres"} ${broken ? 30 : 0} ${time}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

