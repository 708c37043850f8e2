import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../test/repository-root';
import type { Dataset, DatasetSeries } from './case';
import { metricNameOfColumn, parseNezhaTime, readNezha, serviceOfPod, simulateSliAlert } from './nezha';
import { writeSyntheticNezha, type SyntheticNezha } from './testing/synthetic-datasets';

const minute = 60;

let workDirectory: string;
let planted: SyntheticNezha;
let dataset: Dataset;

beforeAll(async () => {
  workDirectory = await mkdtemp(path.join(tmpdir(), 'rca-nezha-'));
  planted = await writeSyntheticNezha(path.join(workDirectory, 'nezha'));
  dataset = await readNezha(path.join(workDirectory, 'nezha'));
});

afterAll(async () => {
  await rm(workDirectory, { recursive: true, force: true });
});

const findSeries = (labels: Record<string, string>): DatasetSeries[] =>
  dataset.groups.get(planted.date)!.series.filter((series) => Object.entries(labels).every(([name, value]) => series.labels[name] === value));

describe('readNezha on a synthetic day', () => {
  it('makes one group per day whose graph holds the services with pod metrics and the calls between them', () => {
    expect(dataset.format).toBe('nezha');
    expect([...dataset.groups.keys()]).toEqual([planted.date]);
    const { graph } = dataset.groups.get(planted.date)!;
    expect(graph.services).toEqual(planted.services);
    // The load generator (no metrics) and the IP addresses are gone.
    expect(graph.calls).toEqual(
      [...planted.calls].sort((left, right) => left.from.localeCompare(right.from) || left.to.localeCompare(right.to)),
    );
  });

  it('turns each numeric pod column into a series labelled with its service and pod, timed by Time', () => {
    const [cpu, ...others] = findSeries({ __name__: 'cpu_usage_rate_percent', service: 'billing' });
    expect(others).toEqual([]);
    expect(cpu!.labels).toEqual({ __name__: 'cpu_usage_rate_percent', service: 'billing', pod: 'billing-3a2b1c0d9e-v7x6y' });
    expect(cpu!.points).toHaveLength(planted.minutes);
    // Time, not the offset TimeStamp column.
    expect(cpu!.points[0]![0]).toBe(planted.dataRange.start);
    expect(cpu!.points.every(([time], index) => time === planted.dataRange.start + index * minute)).toBe(true);

    const names = new Set(findSeries({ service: 'billing', pod: 'billing-3a2b1c0d9e-v7x6y' }).map((series) => series.labels.__name__));
    expect(names).toEqual(
      new Set([
        'cpu_usage_millicores',
        'cpu_usage_rate_percent',
        'memory_usage_mebibytes',
        'network_receive_bytes',
        'pod_server_latency_p90_seconds',
        'pod_workload_ops',
        'pod_success_rate_percent',
      ]),
    );
  });

  it('takes no sample from blank or NaN cells', () => {
    const [network] = findSeries({ __name__: 'network_receive_bytes', service: 'storefront' });
    expect(network!.points).toHaveLength(planted.minutes - 1);
    // A leaf calls nothing: its client latency is NaN throughout, so there is no such series.
    expect(findSeries({ __name__: 'pod_client_latency_p90_seconds', service: 'billing' })).toEqual([]);
    expect(findSeries({ __name__: 'pod_client_latency_p90_seconds', service: 'storefront' })).toHaveLength(1);
  });

  it('reads the SLI table under the service it measures, matching the name in any case', () => {
    const sli = findSeries({ service: planted.sliService }).filter((series) => series.labels.pod === undefined);
    expect(sli.map((series) => series.labels).sort((left, right) => left.__name__!.localeCompare(right.__name__!))).toEqual(
      ['latency_p50_seconds', 'latency_p90_seconds', 'latency_p95_seconds', 'latency_p99_seconds', 'success_rate_percent'].map((name) => ({
        __name__: name,
        service: planted.sliService,
      })),
    );
  });

  it('reads call latencies on both sides, skipping a column that names an unknown service', () => {
    const calls = findSeries({ __name__: 'call_latency_p50_seconds' });
    expect(calls.map((series) => series.labels).sort((left, right) => JSON.stringify(left).localeCompare(JSON.stringify(right)))).toEqual(
      planted.calls
        .flatMap((call) => (['client', 'server'] as const).map((side) => ({ __name__: 'call_latency_p50_seconds', service: call.to, caller: call.from, side })))
        .sort((left, right) => JSON.stringify(left).localeCompare(JSON.stringify(right))),
    );
    expect(calls.every((series) => series.points.length === planted.minutes)).toBe(true);
  });

  it('makes one fault case per injection, numbered by time, with the simulated SLI alert', () => {
    const faults = dataset.cases.filter((rcaCase) => rcaCase.kind === 'fault');
    expect(faults.map((rcaCase) => rcaCase.id)).toEqual(planted.faults.map((fault) => fault.caseId));
    for (const [index, fault] of planted.faults.entries()) {
      expect(faults[index]).toEqual({
        id: fault.caseId,
        group: planted.date,
        scenario: planted.date,
        kind: 'fault',
        faultType: fault.faultType,
        alertMetric: fault.expectedAlert.metric,
        alert: {
          labels: { alertname: 'SliDegraded', service: planted.sliService, sli: fault.expectedAlert.metric, severity: 'critical' },
          at: { alert: fault.expectedAlert.at, inject: fault.injectAt },
          fired: true,
        },
        dataRange: planted.dataRange,
      });
    }
  });

  it('keeps the truths apart from the cases', () => {
    expect(dataset.truths).toEqual(new Map(planted.faults.map((fault) => [fault.caseId, fault.truth])));
    const visibleToMethods = JSON.stringify({ cases: dataset.cases, groups: [...dataset.groups.values()] });
    expect(visibleToMethods).not.toContain('CpuUsageRate(%)');
    expect(visibleToMethods).not.toContain('NetworkP90(ms)');
  });

  it('draws normal cases on whole minutes, away from faults, with an hour before and ten minutes after', () => {
    const normals = dataset.cases.filter((rcaCase) => rcaCase.kind === 'normal');
    expect(normals.map((rcaCase) => rcaCase.id)).toEqual(Array.from({ length: 8 }, (_, index) => `${planted.date}/normal-${index + 1}`));
    const times = normals.map((rcaCase) => rcaCase.alert.at.alert);
    expect(new Set(times).size).toBe(times.length);
    for (const rcaCase of normals) {
      const time = rcaCase.alert.at.alert;
      expect(rcaCase.alert.at.inject).toBe(time);
      expect(time % minute).toBe(0);
      expect(time - 60 * minute).toBeGreaterThanOrEqual(planted.dataRange.start);
      expect(time + 10 * minute).toBeLessThanOrEqual(planted.dataRange.end);
      for (const fault of planted.faults) expect(Math.abs(time - fault.injectAt)).toBeGreaterThanOrEqual(30 * minute);
      expect(rcaCase).toMatchObject({
        faultType: null,
        alertMetric: 'latency',
        alert: { labels: { alertname: 'SliDegraded', service: planted.sliService, sli: 'latency', severity: 'critical' }, fired: true },
      });
      expect(dataset.truths.has(rcaCase.id)).toBe(false);
    }
    // Spread over the qualifying stretch, not bunched at its start.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(10 * minute);
  });

  it('draws as many normal cases as asked', async () => {
    const fewer = await readNezha(path.join(workDirectory, 'nezha'), { normalPerGroup: 3 });
    expect(fewer.cases.filter((rcaCase) => rcaCase.kind === 'normal')).toHaveLength(3);
    const none = await readNezha(path.join(workDirectory, 'nezha'), { normalPerGroup: 0 });
    expect(none.cases.map((rcaCase) => rcaCase.kind)).toEqual(['fault', 'fault']);
  });
});

describe('readNezha on variations of the layout', () => {
  const copyOfSynthetic = async (name: string) => {
    const directory = path.join(workDirectory, name);
    await cp(path.join(workDirectory, 'nezha'), directory, { recursive: true });
    return directory;
  };

  it('gives a null indicator when the root-cause file does not name the fault type', async () => {
    const directory = await copyOfSynthetic('partial-root-causes');
    await writeFile(path.join(directory, 'root_cause_synthetic.json'), JSON.stringify({ billing: { cpu_contention: 'CpuUsageRate(%)' } }));
    const { truths } = await readNezha(directory);
    expect(truths.get(planted.faults[0]!.caseId)).toEqual({ service: 'billing', indicator: 'CpuUsageRate(%)' });
    expect(truths.get(planted.faults[1]!.caseId)).toEqual({ service: 'catalog', indicator: null });
  });

  it('splits call columns on the underscore that yields two known names, and skips ambiguous ones', async () => {
    const directory = await copyOfSynthetic('underscored-names');
    const metricDirectory = path.join(directory, planted.date, 'metric');
    // Services that dependency.csv names (without metrics) make underscores ambiguous.
    const dependencies = await readFile(path.join(metricDirectory, 'dependency.csv'), 'utf8');
    await writeFile(path.join(metricDirectory, 'dependency.csv'), `${dependencies}storefront_catalog,10.0.0.9,1\ncatalog_billing,10.0.0.9,1\n`);
    const [header, ...rows] = (await readFile(path.join(metricDirectory, 'source_50.csv'), 'utf8')).trimEnd().split('\n');
    // storefront_catalog_checkout has one reading; storefront_catalog_billing has two.
    await writeFile(
      path.join(metricDirectory, 'source_50.csv'),
      [`${header},storefront_catalog_checkout,storefront_catalog_billing`, ...rows.map((row) => `${row},0.01,0.02`)].join('\n'),
    );
    const group = (await readNezha(directory)).groups.get(planted.date)!;
    const clientCalls = group.series.filter((series) => series.labels.side === 'client').map((series) => `${series.labels.caller}->${series.labels.service}`);
    expect(clientCalls.sort()).toEqual(['checkout->billing', 'storefront->catalog', 'storefront->checkout', 'storefront_catalog->checkout']);
  });

  const renameSli = async (directory: string, name: string) => {
    const file = path.join(directory, planted.date, 'metric', 'front_service.csv');
    await writeFile(file, (await readFile(file, 'utf8')).replaceAll(',Storefront,', `,${name},`));
  };

  it('makes an SLI that names no pod a component in front of the services, calling the entry points', async () => {
    const directory = await copyOfSynthetic('sli-in-front');
    await renameSli(directory, 'Edge');
    const group = (await readNezha(directory)).groups.get(planted.date)!;
    // Only the storefront has no caller with metrics (the load generator has none).
    expect(group.graph.calls.filter((call) => call.from === 'Edge')).toEqual([{ from: 'Edge', to: 'storefront' }]);
    expect(group.graph.calls.filter((call) => call.from !== 'Edge')).toEqual(dataset.groups.get(planted.date)!.graph.calls);
    expect(group.graph.services).toEqual(planted.services);
    const sli = group.series.filter((series) => series.labels.service === 'Edge').map((series) => series.labels.__name__).sort();
    expect(sli).toEqual(['latency_p50_seconds', 'latency_p90_seconds', 'latency_p95_seconds', 'latency_p99_seconds', 'success_rate_percent']);
  });

  it('reads a day without dependency.csv: no calls, and an SLI in front calls every service', async () => {
    const directory = await copyOfSynthetic('no-call-graph');
    await rm(path.join(directory, planted.date, 'metric', 'dependency.csv'));
    expect((await readNezha(directory)).groups.get(planted.date)!.graph.calls).toEqual([]);
    await renameSli(directory, 'Edge');
    const { graph } = (await readNezha(directory)).groups.get(planted.date)!;
    expect(graph.calls).toEqual(planted.services.map((to) => ({ from: 'Edge', to })));
  });

  it('follows dependency.csv where it names what the SLI calls', async () => {
    const directory = await copyOfSynthetic('sli-calls-named');
    await renameSli(directory, 'Edge');
    const file = path.join(directory, planted.date, 'metric', 'dependency.csv');
    await writeFile(file, `${await readFile(file, 'utf8')}Edge,catalog,1\nEdge,10.0.0.5,1\n`);
    const { graph } = (await readNezha(directory)).groups.get(planted.date)!;
    expect(graph.calls.filter((call) => call.from === 'Edge')).toEqual([{ from: 'Edge', to: 'catalog' }]);
  });

  it('lets an SLI in front reach a cycle that no entry point calls', async () => {
    const directory = await copyOfSynthetic('sli-and-cycle');
    await renameSli(directory, 'Edge');
    // storefront calls catalog; checkout and billing only call each other.
    const rows = ['Source,Target,Weight', 'storefront,catalog,1', 'checkout,billing,1', 'billing,checkout,1'];
    await writeFile(path.join(directory, planted.date, 'metric', 'dependency.csv'), `${rows.join('\n')}\n`);
    const { graph } = (await readNezha(directory)).groups.get(planted.date)!;
    expect(graph.calls.filter((call) => call.from === 'Edge')).toEqual([
      { from: 'Edge', to: 'billing' },
      { from: 'Edge', to: 'storefront' },
    ]);
  });

  it('refuses an SLI table without a service name', async () => {
    const directory = await copyOfSynthetic('sli-unnamed');
    await renameSli(directory, '');
    await expect(readNezha(directory)).rejects.toThrow(/front_service\.csv: expected one ServiceName, found ""/);
  });

  it('refuses a dataset with two root-cause files, and a directory with no days', async () => {
    const directory = await copyOfSynthetic('two-root-causes');
    await writeFile(path.join(directory, 'root_cause_other.json'), '{}');
    await expect(readNezha(directory)).rejects.toThrow(/expected one root_cause_\*\.json/);
    await expect(readNezha(path.join(directory, planted.date))).rejects.toThrow(/not a Nezha-format dataset/);
  });

  it('names the file and row of an unreadable time', async () => {
    const directory = await copyOfSynthetic('bad-time');
    const file = path.join(directory, planted.date, 'metric', 'front_service.csv');
    await writeFile(file, 'Time,TimeStamp,ServiceName,SuccessRate(%),LatencyP90(s)\nyesterday,1,Shop,100,0.5\n');
    await expect(readNezha(directory)).rejects.toThrow(`${file}: row 2: unreadable time "yesterday"`);
  });
});

describe('simulateSliAlert', () => {
  // An hour of steady SLI samples before the fault at t = 3600, then ten minutes after it.
  const injectAt = 3600;
  const sli = (latencyAfter: (minutes: number) => number, successAfter: (minutes: number) => number) => {
    const times = Array.from({ length: 72 }, (_, index) => index * minute + 30);
    const wobble = (index: number) => (index % 3) - 1;
    return {
      latency: times.map((time, index): [number, number] => [time, time < injectAt ? 1 + 0.01 * wobble(index) : latencyAfter((time - injectAt) / minute)]),
      successRate: times.map((time, index): [number, number] => [time, time < injectAt ? 99.5 + 0.1 * wobble(index) : successAfter((time - injectAt) / minute)]),
    };
  };
  const steadyLatency = () => 1;
  const steadySuccess = () => 99.5;

  it('fires on latency above median + 3 × max(IQR, 5 % of median)', () => {
    // Baseline median 1, IQR 0.02 → threshold 1 + 3 × 0.05 = 1.15.
    expect(simulateSliAlert(sli((minutes) => (minutes >= 3 ? 1.2 : 1.14), steadySuccess), injectAt)).toEqual({
      at: injectAt + 3.5 * minute,
      metric: 'latency',
      fired: true,
    });
  });

  it('fires on success rate below median − 3 × max(IQR, 0.5)', () => {
    // Baseline median 99.5, IQR 0.2 → threshold 99.5 − 1.5 = 98.
    expect(simulateSliAlert(sli(steadyLatency, (minutes) => (minutes >= 1 ? 97.9 : 98.1)), injectAt)).toEqual({
      at: injectAt + 1.5 * minute,
      metric: 'availability',
      fired: true,
    });
  });

  it('takes the earlier breach, and latency when both breach at once', () => {
    const latencyLater = simulateSliAlert(sli((minutes) => (minutes >= 5 ? 3 : 1), (minutes) => (minutes >= 2 ? 50 : 99.5)), injectAt);
    expect(latencyLater).toMatchObject({ metric: 'availability', at: injectAt + 2.5 * minute });
    const together = simulateSliAlert(sli((minutes) => (minutes >= 2 ? 3 : 1), (minutes) => (minutes >= 2 ? 50 : 99.5)), injectAt);
    expect(together).toMatchObject({ metric: 'latency', at: injectAt + 2.5 * minute });
  });

  it('does not fire on a breach later than ten minutes after the injection, nor without a baseline', () => {
    expect(simulateSliAlert(sli((minutes) => (minutes >= 10.5 ? 9 : 1), steadySuccess), injectAt)).toEqual({ at: injectAt, metric: 'latency', fired: false });
    const noHistory = { latency: [[injectAt + 30, 9]] as Array<[number, number]>, successRate: [[injectAt + 30, 0]] as Array<[number, number]> };
    expect(simulateSliAlert(noHistory, injectAt)).toEqual({ at: injectAt, metric: 'latency', fired: false });
  });
});

describe('column, pod and time conventions', () => {
  it('maps column headers to snake_case metric names with unit suffixes', () => {
    const expected: Record<string, string> = {
      'CpuUsageRate(%)': 'cpu_usage_rate_percent',
      'CpuUsage(m)': 'cpu_usage_millicores',
      'MemoryUsage(Mi)': 'memory_usage_mebibytes',
      'PodClientLatencyP90(s)': 'pod_client_latency_p90_seconds',
      'PodWorkload(Ops)': 'pod_workload_ops',
      NetworkReceiveBytes: 'network_receive_bytes',
      'NodeCpuUsageRate(%)': 'node_cpu_usage_rate_percent',
      'NetworkP90(ms)': 'network_p90_milliseconds',
      'SuccessRate(%)': 'success_rate_percent',
      'QueueDepth(Msgs)': 'queue_depth_msgs',
      HTTPErrorCount: 'http_error_count',
    };
    for (const [column, name] of Object.entries(expected)) expect(metricNameOfColumn(column), column).toBe(name);
  });

  it('strips the replica-set and pod hashes from pod names', () => {
    expect(serviceOfPod('adservice-5f6585d649-fnmft')).toBe('adservice');
    expect(serviceOfPod('order-history-7d9f8b6c5d-x2k4p')).toBe('order-history');
    expect(serviceOfPod('worker-abc')).toBe('worker-abc');
    expect(serviceOfPod('standalone')).toBe('standalone');
  });

  it('reads Go-formatted times as UTC, truncated to the second', () => {
    expect(parseNezhaTime('2022-08-22 03:51:19.607158889 +0000 UTC m=+0.113112869')).toBe(Date.UTC(2022, 7, 22, 3, 51, 19) / 1000);
    expect(parseNezhaTime('2022-08-22 05:51:19.9 +0200 CEST')).toBe(Date.UTC(2022, 7, 22, 3, 51, 19) / 1000);
    expect(parseNezhaTime('2022-08-22 03:51:19')).toBe(Date.UTC(2022, 7, 22, 3, 51, 19) / 1000);
    expect(parseNezhaTime('1661140279')).toBeUndefined();
  });
});

const nezhaDirectory = path.resolve(repositoryRoot, '../shared/datasets/nezha-ob');
const nezhaPresent = existsSync(nezhaDirectory);
if (!nezhaPresent) console.warn(`Skipping the nezha-ob development-set checks: ${nezhaDirectory} does not exist.`);

describe.runIf(nezhaPresent)('readNezha on the nezha-ob development set', () => {
  let real: Dataset;
  beforeAll(async () => {
    real = await readNezha(nezhaDirectory);
  });

  it('finds the 56 faults over 2 days', () => {
    const faults = real.cases.filter((rcaCase) => rcaCase.kind === 'fault');
    expect(faults).toHaveLength(56);
    expect(real.groups.size).toBe(2);
    expect(new Set(faults.map((rcaCase) => rcaCase.group)).size).toBe(2);
    expect(faults.filter((rcaCase) => rcaCase.faultType === 'return' || rcaCase.faultType === 'exception')).toHaveLength(14);
    expect(new Set(real.cases.map((rcaCase) => rcaCase.id)).size).toBe(real.cases.length);
  });

  it('sees the ten services that have pod metrics, and places every truth among them', () => {
    for (const group of real.groups.values()) expect(group.graph.services).toHaveLength(10);
    expect(real.truths.size).toBe(56);
    for (const rcaCase of real.cases.filter((candidate) => candidate.kind === 'fault')) {
      const truth = real.truths.get(rcaCase.id)!;
      expect(real.groups.get(rcaCase.group)!.graph.services, rcaCase.id).toContain(truth.service);
      expect(truth.indicator, rcaCase.id).not.toBeNull();
    }
  });

  it('keeps every alert inside its day and every call between known services', () => {
    for (const rcaCase of real.cases) {
      expect(rcaCase.alert.at.alert).toBeGreaterThanOrEqual(rcaCase.dataRange.start);
      expect(rcaCase.alert.at.alert).toBeLessThanOrEqual(rcaCase.dataRange.end);
    }
    for (const group of real.groups.values()) {
      const services = new Set(group.graph.services);
      expect(group.graph.calls.length).toBeGreaterThan(0);
      for (const call of group.graph.calls) expect(services.has(call.from) && services.has(call.to)).toBe(true);
    }
  });
});
