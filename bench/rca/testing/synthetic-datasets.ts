// Small deterministic datasets in the Nezha and PetShop layouts, for tests: made-up systems with
// faults planted where the returned truths say, so a reader or a method can be checked end to end
// without the real data. Values wobble a little (deterministically) so that baselines have spread.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CaseTruth } from '../case';
import { formatCsv } from '../csv';

export interface PlantedNezhaFault {
  caseId: string;
  faultType: string;
  injectAt: number;
  truth: CaseTruth;
  /** What the simulated SLI alert should do: the first breaching sample and the SLI it breaches. */
  expectedAlert: { at: number; metric: 'latency' | 'availability' };
}

export interface SyntheticNezha {
  date: string;
  /** The user-facing service that front_service.csv measures, as the pod files name it. */
  sliService: string;
  services: string[];
  calls: Array<{ from: string; to: string }>;
  faults: PlantedNezhaFault[];
  /** Unix seconds of the first and last sample. */
  dataRange: { start: number; end: number };
  /** Samples per pod metric column; one column has a blank cell and one pod NaN client latency. */
  minutes: number;
}

export interface PlantedPetshopIssue {
  caseId: string;
  truth: CaseTruth;
  target: { node: string; metric: string; agg: string; timestamp: number };
  dataRange: { start: number; end: number };
}

export interface SyntheticPetshop {
  scenario: string;
  /** Components with metrics; the graph also names `graphOnlyComponent`, which has none. */
  components: string[];
  graphOnlyComponent: string;
  calls: Array<{ from: string; to: string }>;
  issues: PlantedPetshopIssue[];
  noissueRange: { start: number; end: number };
  /** A string only target.json's metadata holds: it must never appear in what the reader returns. */
  metadataMarker: string;
}

const minute = 60;

/** Writes a one-day Nezha-format dataset (four services, two faults) into `directory`. */
export async function writeSyntheticNezha(directory: string): Promise<SyntheticNezha> {
  const date = '2030-06-01';
  const dayStart = Date.UTC(2030, 5, 1) / 1000;
  const minutes = 180;
  // Samples land 19 s past each minute, as the real collector's do.
  const sampleTime = (index: number) => dayStart + index * minute + 19;
  const pods = {
    storefront: 'storefront-6b7c9d8f5e-q4w2z',
    catalog: 'catalog-5d4c3b2a19-k8m3n',
    checkout: 'checkout-7f8e9d0c1b-p2r5t',
    billing: 'billing-3a2b1c0d9e-v7x6y',
  } as const;
  type Service = keyof typeof pods;
  const services = Object.keys(pods) as Service[];
  const calls: Array<{ from: Service; to: Service }> = [
    { from: 'storefront', to: 'catalog' },
    { from: 'storefront', to: 'checkout' },
    { from: 'checkout', to: 'billing' },
  ];

  // CPU contention on a leaf: its CPU and the user-facing latency rise for three minutes.
  const cpuFault = { injectAt: dayStart + 75 * minute + 30, service: 'billing' as Service, type: 'cpu_contention' };
  // Network delay on the other leaf: its latencies rise and the frontend's requests time out.
  const networkFault = { injectAt: dayStart + 125 * minute + 7, service: 'catalog' as Service, type: 'network_delay' };
  const during = (fault: { injectAt: number }, index: number) => sampleTime(index) >= fault.injectAt && sampleTime(index) < fault.injectAt + 3 * minute;
  const firstSampleAfter = (time: number) => Math.ceil((time - 19 - dayStart) / minute) * minute + dayStart + 19;

  const metricDirectory = path.join(directory, date, 'metric');
  await mkdir(metricDirectory, { recursive: true });

  const podHeader = [
    'Time', 'TimeStamp', 'PodName', 'CpuUsage(m)', 'CpuUsageRate(%)', 'MemoryUsage(Mi)', 'NetworkReceiveBytes',
    'PodClientLatencyP90(s)', 'PodServerLatencyP90(s)', 'PodWorkload(Ops)', 'PodSuccessRate(%)',
  ];
  for (const [serviceIndex, service] of services.entries()) {
    const isLeaf = !calls.some((call) => call.from === service);
    const rows = Array.from({ length: minutes }, (_, index) => {
      const noise = (salt: number) => wobble(index, serviceIndex * 10 + salt);
      const cpuRate = (20 + 2 * noise(1)) * (service === cpuFault.service && during(cpuFault, index) ? 4 : 1);
      const delayed = service === networkFault.service && during(networkFault, index) ? 0.2 : 0;
      return [
        goTime(sampleTime(index), index),
        // The real pod files' TimeStamp is offset from Time; readers must align on Time.
        String(sampleTime(index) + 200_000_000),
        pods[service],
        format(cpuRate * 3),
        format(cpuRate),
        format(300 + 5 * noise(2)),
        // One blank cell: a scrape that returned nothing.
        service === 'storefront' && index === 10 ? '' : format(40_000 + 2_000 * noise(3)),
        isLeaf ? 'NaN' : format(0.05 + 0.003 * noise(4)),
        format(0.01 + 0.001 * noise(5) + delayed),
        format(8 + 0.5 * noise(6)),
        '100',
      ];
    });
    await writeCsv(path.join(metricDirectory, `${pods[service]}_metric.csv`), [podHeader, ...rows]);
  }

  const frontRows = Array.from({ length: minutes }, (_, index) => {
    const slow = during(cpuFault, index) ? 3 : 1;
    const failing = during(networkFault, index);
    const p90 = (0.8 + 0.03 * wobble(index, 90)) * slow;
    return [
      goTime(sampleTime(index), index),
      String(sampleTime(index)),
      // Capitalised as in the real files; the reader matches it to the storefront's pods.
      'Storefront',
      format(failing ? 80 : 99.8 + 0.2 * wobble(index, 91)),
      format(p90 * 0.4),
      format(p90),
      format(p90 * 1.3),
      format(p90 * 1.8),
    ];
  });
  await writeCsv(path.join(metricDirectory, 'front_service.csv'), [
    ['Time', 'TimeStamp', 'ServiceName', 'SuccessRate(%)', 'LatencyP50(s)', 'LatencyP90(s)', 'LatencyP95(s)', 'LatencyP99(s)'],
    ...frontRows,
  ]);

  // `gateway` is named nowhere else, so the reader cannot split that column and must skip it.
  const callColumns = [...calls.map((call) => `${call.from}_${call.to}`), 'gateway_storefront'];
  for (const [file, serverSide] of [['source_50.csv', false], ['destination_50.csv', true]] as const) {
    const rows = Array.from({ length: minutes }, (_, index) => [
      goTime(sampleTime(index) + 1, index),
      String(sampleTime(index) + 1),
      ...callColumns.map((column, columnIndex) => {
        const delayed = column === `storefront_${networkFault.service}` && during(networkFault, index) ? 0.2 : 0;
        return format((serverSide ? 0.004 : 0.006) + 0.0005 * wobble(index, 50 + columnIndex) + delayed);
      }),
    ]);
    await writeCsv(path.join(metricDirectory, file), [['time', 'timestamp', ...callColumns], ...rows]);
  }

  // Calls to addresses and from the load generator have no metrics: the reader drops them.
  await writeCsv(path.join(metricDirectory, 'dependency.csv'), [
    ['Source', 'Target', 'Weight'],
    ...calls.map((call) => [call.from, call.to, '1']),
    ['loadgenerator', 'storefront', '1'],
    ['storefront', '10.0.0.17', '1'],
    ['catalog', '10.0.0.23', '1'],
  ]);

  const faultEntry = (fault: typeof cpuFault) => ({
    inject_time: new Date(fault.injectAt * 1000).toISOString().replace('T', ' ').slice(0, 19),
    inject_timestamp: String(fault.injectAt),
    inject_pod: pods[fault.service],
    inject_type: fault.type,
  });
  // Listed out of time order on purpose: case numbers follow injection time, not the file.
  await writeJson(path.join(directory, date, `${date}-fault_list.json`), { '02': [faultEntry(networkFault)], '01': [faultEntry(cpuFault)] });
  await writeJson(path.join(directory, 'root_cause_synthetic.json'), {
    billing: { cpu_contention: 'CpuUsageRate(%)', network_delay: 'NetworkP90(ms)' },
    catalog: { network_delay: 'NetworkP90(ms)' },
    storefront: { return: 'Render page started_Render page complete' },
  });

  return {
    date,
    sliService: 'storefront',
    services: [...services].sort(),
    calls,
    faults: [
      {
        caseId: `${date}/fault-1`,
        faultType: cpuFault.type,
        injectAt: cpuFault.injectAt,
        truth: { service: cpuFault.service, indicator: 'CpuUsageRate(%)' },
        expectedAlert: { at: firstSampleAfter(cpuFault.injectAt), metric: 'latency' },
      },
      {
        caseId: `${date}/fault-2`,
        faultType: networkFault.type,
        injectAt: networkFault.injectAt,
        truth: { service: networkFault.service, indicator: 'NetworkP90(ms)' },
        expectedAlert: { at: firstSampleAfter(networkFault.injectAt), metric: 'availability' },
      },
    ],
    // The call tables are stamped a second after the pod and SLI tables, as in the real data.
    dataRange: { start: sampleTime(0), end: sampleTime(minutes - 1) + 1 },
    minutes,
  };
}

/** Writes a one-scenario PetShop-format dataset (a train and a test issue, a noissue recording) into `directory`. */
export async function writeSyntheticPetshop(directory: string): Promise<SyntheticPetshop> {
  const scenario = 'steady_load';
  const portal = 'WebPortal';
  const search = 'SearchApi_AWS::ECS::Fargate';
  const orders = 'OrdersDb_AWS::DynamoDB';
  const payments = 'PaymentsLambda';
  const graphOnlyComponent = 'Telemetry_remote';
  const components = [portal, search, orders, payments];
  const calls = [
    { from: portal, to: search },
    { from: portal, to: payments },
    { from: search, to: orders },
    { from: search, to: graphOnlyComponent },
  ];
  const metadataMarker = 'planted-injection-command-7f3a';
  const step = 5 * minute;

  const graphNames = [...components, graphOnlyComponent];
  const scenarioDirectory = path.join(directory, scenario);
  await mkdir(scenarioDirectory, { recursive: true });
  await writeCsv(path.join(scenarioDirectory, 'graph.csv'), [
    ['', ...graphNames],
    ...graphNames.map((from) => [from, ...graphNames.map((to) => (calls.some((call) => call.from === from && call.to === to) ? '1.0' : '0.0'))]),
  ]);

  const issues: PlantedPetshopIssue[] = [];
  const plantIssue = async (split: string, start: number, fault: { component: string; metric: 'latency' | 'availability'; indicator: string | null }) => {
    const rowCount = 5;
    // The fault shows from the third row on; the alert fires a couple of minutes into it.
    const faultyFrom = start + 2 * step;
    const target = { node: portal, metric: fault.metric, agg: 'Average', timestamp: faultyFrom + 130 };
    const effect = (component: string, metric: string, time: number) => {
      if (time < faultyFrom || (component !== fault.component && component !== portal) || metric !== fault.metric) return 1;
      if (metric === 'latency') return component === portal ? 2 : 5;
      return component === portal ? 0.85 : 0.6;
    };
    const issueDirectory = path.join(scenarioDirectory, split, 'issue_0');
    await mkdir(issueDirectory, { recursive: true });
    await writeCsv(path.join(issueDirectory, 'metrics.csv'), petshopMetricsRows(components, start, rowCount, step, effect));
    await writeJson(path.join(issueDirectory, 'target.json'), {
      target,
      root_cause: { node: fault.component, metric: fault.indicator },
      metadata: { reproducibility: { command: `inject --component '${fault.component}' ${metadataMarker}` } },
    });
    issues.push({
      caseId: `${scenario}/${split}/issue_0`,
      truth: { service: fault.component, indicator: fault.indicator },
      target,
      dataRange: { start, end: start + (rowCount - 1) * step },
    });
  };
  await plantIssue('train', 1_900_000_200, { component: search, metric: 'latency', indicator: null });
  await plantIssue('test', 1_900_086_600, { component: orders, metric: 'availability', indicator: 'availability' });

  const noissueStart = 1_900_200_000;
  const noissueRows = 4 * 12;
  await mkdir(path.join(scenarioDirectory, 'noissue'), { recursive: true });
  await writeCsv(path.join(scenarioDirectory, 'noissue', 'metrics.csv'), petshopMetricsRows(components, noissueStart, noissueRows, step, () => 1));

  return {
    scenario,
    components,
    graphOnlyComponent,
    calls,
    issues,
    noissueRange: { start: noissueStart, end: noissueStart + (noissueRows - 1) * step },
    metadataMarker,
  };
}

// PetShop's metrics.csv: component, metric and statistic header rows, a unix_timestamp row, data.
function petshopMetricsRows(
  components: readonly string[],
  start: number,
  rowCount: number,
  step: number,
  effect: (component: string, metric: string, time: number) => number,
): string[][] {
  const measures = [
    ...['Average', 'p50', 'p90', 'p99'].map((statistic) => ({ metric: 'latency', statistic })),
    { metric: 'requests', statistic: 'Sum' },
    { metric: 'availability', statistic: 'Average' },
  ];
  const columns = measures.flatMap((measure) => components.map((component) => ({ ...measure, component })));
  const latencyFactors: Record<string, number> = { Average: 1, p50: 0.8, p90: 1.6, p99: 2.5 };
  const baseValue = (metric: string, statistic: string, componentIndex: number) => {
    if (metric === 'availability') return 100;
    if (metric === 'requests') return 600 + 50 * componentIndex;
    return (0.02 + 0.01 * componentIndex) * latencyFactors[statistic]!;
  };
  const rows = Array.from({ length: rowCount }, (_, index) => {
    const time = start + index * step;
    return [
      `${time}.0`,
      ...columns.map((column, columnIndex) => {
        const componentIndex = components.indexOf(column.component);
        // One blank cell, as the real tables have where a component saw no request.
        if (index === 0 && column.metric === 'requests' && componentIndex === components.length - 1) return '';
        const spread = column.metric === 'availability' ? 0.001 : 0.03;
        return format(baseValue(column.metric, column.statistic, componentIndex) * (1 + spread * wobble(index, columnIndex)) * effect(column.component, column.metric, time));
      }),
    ];
  });
  return [
    ['microservice', ...columns.map((column) => column.component)],
    ['metric', ...columns.map((column) => column.metric)],
    ['statistic', ...columns.map((column) => column.statistic)],
    ['unix_timestamp', ...columns.map(() => '')],
    ...rows,
  ];
}

// A deterministic value in [-1, 1] that looks irregular over consecutive steps.
function wobble(step: number, salt: number): number {
  return Math.sin(step * 1.93 + salt * 4.17) * Math.cos(step * 0.71 + salt);
}

// Go's time.Time String(): the Nezha collector wrote times this way, monotonic clock reading included.
function goTime(seconds: number, step: number): string {
  const iso = new Date(seconds * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(123_456_789 + step).padStart(9, '0')} +0000 UTC m=+${(step * 60 + 0.113).toFixed(9)}`;
}

function format(value: number): string {
  return String(Number(value.toFixed(9)));
}

async function writeCsv(file: string, rows: ReadonlyArray<readonly string[]>): Promise<void> {
  await writeFile(file, formatCsv(rows));
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}
