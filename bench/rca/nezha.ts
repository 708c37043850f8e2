// Reads a dataset in Nezha's layout (FSE 2023): one directory per day with per-pod metric tables,
// the user-facing SLI, call latencies, the call graph and a list of injected faults, plus one
// root_cause_*.json at the top naming each fault's indicator. Nothing here knows the system the
// data came from: services are whatever the pod files name.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { compareText, seriesTimeRange, type CaseGroup, type Dataset, type DatasetSeries } from './case';
import { parseCsv, parseNumericCell } from './csv';
import { isDirectory, isFile, readJson } from './files';
import { medianAndInterquartileRange, pickEvenlySpread } from './statistics';

export interface NezhaOptions {
  /** Fault-free cases to draw per day (default 8). */
  normalPerGroup?: number;
}

type Point = DatasetSeries['points'][number];
/** One service calling another. */
type Call = { from: string; to: string };

/** Which SLI breached first, and when (dataset seconds); `fired` false when none did. */
export interface SliAlert {
  at: number;
  metric: 'latency' | 'availability';
  fired: boolean;
}

const minute = 60;
// The SLI alert is simulated like a production rule: a baseline hour before the fault, then
// ten minutes in which it may fire. Faults last about three minutes.
const baselineSeconds = 60 * minute;
const alertWindowSeconds = 10 * minute;
// Normal windows keep this far from any fault so neither its onset nor its recovery shows.
const normalDistanceFromFaultSeconds = 30 * minute;
const defaultNormalPerGroup = 8;

const faultListSchema = z.record(
  z.string(),
  z.array(
    z.object({
      inject_timestamp: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]),
      inject_pod: z.string().min(1),
      inject_type: z.string().min(1),
    }),
  ),
);
const rootCauseSchema = z.record(z.string(), z.record(z.string(), z.string()));

// Columns that identify a row rather than measure something.
const nonMetricColumns = new Set(['time', 'timestamp', 'podname', 'servicename']);

// Units as the column headers write them in parentheses, and the Prometheus base-unit suffix.
const unitSuffixes: Record<string, string> = {
  '%': 'percent',
  s: 'seconds',
  ms: 'milliseconds',
  m: 'millicores',
  Mi: 'mebibytes',
  Ops: 'ops',
};

/** Reads every day of a Nezha-format dataset into groups, cases and (apart) their truths. */
export async function readNezha(directory: string, options: NezhaOptions = {}): Promise<Dataset> {
  const normalPerGroup = options.normalPerGroup ?? defaultNormalPerGroup;
  const [dates, indicators] = await Promise.all([findDates(directory), readRootCauses(directory)]);
  const days = await Promise.all(dates.map((date) => readDay(directory, date)));

  const dataset: Dataset = { format: 'nezha', groups: new Map(), cases: [], truths: new Map() };
  for (const day of days) {
    dataset.groups.set(day.group.id, day.group);
    const dataRange = seriesTimeRange(day.group.series);
    const caseBase = { group: day.group.id, scenario: day.group.id, dataRange };

    day.faults.forEach((fault, index) => {
      const id = `${day.group.id}/fault-${index + 1}`;
      const alert = simulateSliAlert(day.sli, fault.injectAt);
      dataset.cases.push({
        ...caseBase,
        id,
        kind: 'fault',
        faultType: fault.type,
        alertMetric: alert.metric,
        alert: { labels: sliAlertLabels(day.sli.service, alert.metric), at: { alert: alert.at, inject: fault.injectAt }, fired: alert.fired },
      });
      const service = serviceOfPod(fault.pod);
      dataset.truths.set(id, { service, indicator: indicators.get(service)?.get(fault.type) ?? null });
    });

    const normalTimes = pickNormalTimes(dataRange, day.faults.map((fault) => fault.injectAt), normalPerGroup);
    normalTimes.forEach((time, index) => {
      dataset.cases.push({
        ...caseBase,
        id: `${day.group.id}/normal-${index + 1}`,
        kind: 'normal',
        faultType: null,
        alertMetric: 'latency',
        alert: { labels: sliAlertLabels(day.sli.service, 'latency'), at: { alert: time, inject: time }, fired: true },
      });
    });
  }
  return dataset;
}

/**
 * When an SLI alerting rule would fire after `injectAt`: the first sample in the following ten
 * minutes where p90 latency rises above median + 3 × max(IQR, 5 % of median), or success rate
 * falls below median − 3 × max(IQR, 0.5), both over the preceding hour.
 */
export function simulateSliAlert(sli: { latency: readonly Point[]; successRate: readonly Point[] }, injectAt: number): SliAlert {
  const latencyBreach = firstBreach(sli.latency, injectAt, ({ median, interquartileRange }) => {
    const limit = median + 3 * Math.max(interquartileRange, 0.05 * median);
    return (value) => value > limit;
  });
  const availabilityBreach = firstBreach(sli.successRate, injectAt, ({ median, interquartileRange }) => {
    const limit = median - 3 * Math.max(interquartileRange, 0.5);
    return (value) => value < limit;
  });
  if (latencyBreach !== undefined && (availabilityBreach === undefined || latencyBreach <= availabilityBreach)) {
    return { at: latencyBreach, metric: 'latency', fired: true };
  }
  if (availabilityBreach !== undefined) return { at: availabilityBreach, metric: 'availability', fired: true };
  return { at: injectAt, metric: 'latency', fired: false };
}

/** The service a Kubernetes pod belongs to: its name without the replica-set and pod hashes. */
export function serviceOfPod(pod: string): string {
  const parts = pod.split('-');
  return parts.length >= 3 ? parts.slice(0, -2).join('-') : pod;
}

/** A column header such as `PodClientLatencyP90(s)` as a Prometheus name: `pod_client_latency_p90_seconds`. */
export function metricNameOfColumn(column: string): string {
  const withUnit = /^(.*?)\s*\(([^)]*)\)\s*$/.exec(column);
  const base = snakeCase(withUnit ? withUnit[1]! : column);
  const unit = withUnit ? (unitSuffixes[withUnit[2]!.trim()] ?? snakeCase(withUnit[2]!)) : '';
  const name = [base, unit].filter((part) => part !== '').join('_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** Dataset seconds of a Go-formatted time (`2006-01-02 15:04:05.999999999 +0000 UTC m=+0.1`), truncated to whole seconds. */
export function parseNezhaTime(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:\s*([+-])(\d{2}):?(\d{2}))?/.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minutes, seconds, sign, offsetHours, offsetMinutes] = match;
  const utcSeconds = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minutes), Number(seconds)) / 1000;
  const offsetSeconds = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 3600 + Number(offsetMinutes) * 60);
  return utcSeconds - offsetSeconds;
}

export interface Fault {
  injectAt: number;
  pod: string;
  type: string;
}

interface Sli {
  service: string;
  latency: Point[];
  successRate: Point[];
}

interface Day {
  group: CaseGroup;
  sli: Sli;
  faults: Fault[];
}

/** The days of a Nezha-format dataset: directories with a fault list and a metric/ folder, in order. */
export async function findDates(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const candidates = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  const qualifies = await Promise.all(
    candidates.map(async (date) => (await isFile(faultListPath(directory, date))) && (await isDirectory(path.join(directory, date, 'metric')))),
  );
  const dates = candidates.filter((_, index) => qualifies[index]).sort();
  if (dates.length === 0) throw new Error(`${directory}: no <date>/ with <date>-fault_list.json and metric/ — not a Nezha-format dataset`);
  return dates;
}

async function readRootCauses(directory: string): Promise<Map<string, Map<string, string>>> {
  const files = (await readdir(directory)).filter((name) => /^root_cause_.*\.json$/.test(name));
  if (files.length > 1) throw new Error(`${directory}: expected one root_cause_*.json, found ${files.join(', ')}`);
  if (files.length === 0) return new Map();
  const file = path.join(directory, files[0]!);
  const parsed = rootCauseSchema.safeParse(await readJson(file));
  if (!parsed.success) throw new Error(`${file}: not {service: {fault_type: indicator}}: ${z.prettifyError(parsed.error)}`);
  return new Map(Object.entries(parsed.data).map(([service, byType]) => [service, new Map(Object.entries(byType))]));
}

async function readDay(directory: string, date: string): Promise<Day> {
  const metricDirectory = path.join(directory, date, 'metric');
  const podFiles = (await readdir(metricDirectory)).filter((name) => name.endsWith('_metric.csv')).sort();
  if (podFiles.length === 0) throw new Error(`${metricDirectory}: no <pod>_metric.csv files`);

  const [podTables, dependencyTable, frontTable, clientTable, serverTable, faults] = await Promise.all([
    Promise.all(podFiles.map((name) => readTable(path.join(metricDirectory, name)))),
    // Without a call graph every service is still examined: the SLI then calls them all (callsFromSli).
    readTableIfPresent(path.join(metricDirectory, 'dependency.csv')),
    readTable(path.join(metricDirectory, 'front_service.csv')),
    // Call latencies are not part of every export of the format; without them there are no call series.
    readTableIfPresent(path.join(metricDirectory, 'source_50.csv')),
    readTableIfPresent(path.join(metricDirectory, 'destination_50.csv')),
    readFaults(faultListPath(directory, date)),
  ]);

  const podSeries = podTables.flatMap(podMetricSeries);
  const services = [...new Set(podSeries.map((series) => series.labels.service!))].sort();
  const dependencies = dependencyTable ? dependencyRows(dependencyTable) : [];
  const withMetrics = new Set(services);
  const podCalls = dependencies.filter((call) => withMetrics.has(call.from) && withMetrics.has(call.to) && call.from !== call.to);

  const sli = frontServiceSeries(frontTable, services);
  const calls = uniqueCalls([...podCalls, ...callsFromSli(sli.service, services, dependencies, podCalls)]);
  const knownNames = new Set([...services, ...dependencies.flatMap((call) => [call.from, call.to])]);
  const callSeries = [
    ...(clientTable ? callLatencySeries(clientTable, 'client', knownNames) : []),
    ...(serverTable ? callLatencySeries(serverTable, 'server', knownNames) : []),
  ];

  const series = [...podSeries, ...sli.series, ...callSeries];
  for (const { points } of series) points.sort((left, right) => left[0] - right[0]);
  return {
    group: { id: date, graph: { services, calls }, series },
    sli: { service: sli.service, latency: sli.latency.points, successRate: sli.successRate.points },
    faults,
  };
}

/** A CSV file's header and rows, named by its path for error messages. */
export interface Table {
  file: string;
  header: string[];
  rows: string[][];
}

export async function readTable(file: string): Promise<Table> {
  const [header, ...rows] = parseCsv(await readFile(file, 'utf8'));
  if (!header) throw new Error(`${file}: empty file`);
  return { file, header, rows };
}

async function readTableIfPresent(file: string): Promise<Table | undefined> {
  return (await isFile(file)) ? readTable(file) : undefined;
}

/** A day's injected faults, earliest first. */
export async function readFaults(file: string): Promise<Fault[]> {
  const parsed = faultListSchema.safeParse(await readJson(file));
  if (!parsed.success) throw new Error(`${file}: not {hour: [{inject_timestamp, inject_pod, inject_type}]}: ${z.prettifyError(parsed.error)}`);
  return Object.values(parsed.data)
    .flat()
    .map((entry) => ({ injectAt: entry.inject_timestamp, pod: entry.inject_pod, type: entry.inject_type }))
    .sort((left, right) => left.injectAt - right.injectAt);
}

function podMetricSeries(table: Table): DatasetSeries[] {
  return wideTableSeries(table, metricColumns(table.header), {
    column: requireColumn(table, 'PodName'),
    labels: (pod) => ({ service: serviceOfPod(pod), pod }),
  });
}

/**
 * The SLI table's series, labelled with the service it measures: the service with pod metrics of
 * that name in any case (Online Boutique's `Frontend` is its `frontend` pod), else the name as
 * written, which then stands for a component in front of the services (Nezha's Train Ticket days
 * also write `Frontend`, and no pod has that name).
 */
function frontServiceSeries(
  table: Table,
  services: readonly string[],
): { service: string; series: DatasetSeries[]; latency: DatasetSeries; successRate: DatasetSeries } {
  const serviceColumn = requireColumn(table, 'ServiceName');
  const names = new Map(table.rows.map((row) => [(row[serviceColumn] ?? '').toLowerCase(), row[serviceColumn] ?? '']));
  const [written, ...others] = names.values();
  if (!written || others.length > 0) {
    throw new Error(`${table.file}: expected one ServiceName, found ${names.size === 0 ? 'none' : [...names.values()].map((name) => JSON.stringify(name)).join(', ')}`);
  }
  const service = services.find((name) => name.toLowerCase() === written.toLowerCase()) ?? written;
  const columns = metricColumns(table.header).map((column) => ({ ...column, labels: { ...column.labels, service } }));
  const series = wideTableSeries(table, columns);
  const seriesNamed = (prefix: string, description: string): DatasetSeries => {
    const found = series.find((candidate) => candidate.labels.__name__!.startsWith(prefix));
    if (!found) throw new Error(`${table.file}: no ${description} column with values (looked for a metric named ${prefix}*)`);
    return found;
  };
  return { service, series, latency: seriesNamed('latency_p90', 'p90 latency'), successRate: seriesNamed('success_rate', 'success rate') };
}

/**
 * An SLI measured in front of the services is a component that calls them: the services
 * dependency.csv says it calls, if any; else, from the `calls` between services, the system's entry points, the services no other
 * service calls, plus one service of each group that only calls itself round (a cycle nothing
 * outside calls); with no known calls at all, every service. Its alert's diagnosis then reaches
 * the whole graph, as a production inventory that registers the user-facing endpoint would.
 */
function callsFromSli(sliService: string, services: readonly string[], dependencies: readonly Call[], calls: readonly Call[]): Call[] {
  if (services.includes(sliService)) return [];
  const named = dependencies.filter((call) => call.from === sliService && services.includes(call.to)).map((call) => call.to);
  if (named.length > 0) return named.map((to) => ({ from: sliService, to }));
  const callees = new Map<string, string[]>(services.map((service) => [service, []]));
  for (const call of calls) callees.get(call.from)!.push(call.to);
  const called = new Set(calls.map((call) => call.to));
  const reached = new Set<string>();
  const reach = (start: string) => {
    for (const pending = [start]; pending.length > 0; ) {
      const next = pending.pop()!;
      if (reached.has(next)) continue;
      reached.add(next);
      pending.push(...callees.get(next)!);
    }
  };
  const entryPoints = services.filter((service) => !called.has(service));
  entryPoints.forEach(reach);
  // Services (in name order) that no entry point reaches: a cycle nothing outside it calls.
  for (const service of services) {
    if (reached.has(service)) continue;
    entryPoints.push(service);
    reach(service);
  }
  return entryPoints.map((to) => ({ from: sliService, to }));
}

// source_50 / destination_50 name each column `<caller>_<callee>`; service names may themselves
// hold underscores, so the split must be the one that yields two known names.
function callLatencySeries(table: Table, side: 'client' | 'server', knownNames: ReadonlySet<string>): DatasetSeries[] {
  const columns = table.header.flatMap((name, index) => {
    const call = splitCallColumn(name, knownNames);
    return call ? [{ index, labels: { __name__: 'call_latency_p50_seconds', service: call.to, caller: call.from, side } }] : [];
  });
  return wideTableSeries(table, columns);
}

export function splitCallColumn(column: string, knownNames: ReadonlySet<string>): Call | undefined {
  const splits: Call[] = [];
  for (let index = column.indexOf('_'); index !== -1; index = column.indexOf('_', index + 1)) {
    const from = column.slice(0, index);
    const to = column.slice(index + 1);
    if (knownNames.has(from) && knownNames.has(to)) splits.push({ from, to });
  }
  // Two valid readings would mean guessing which call was measured; such a column is left out.
  return splits.length === 1 ? splits[0] : undefined;
}

function dependencyRows(table: Table): Call[] {
  const sourceColumn = requireColumn(table, 'Source');
  const targetColumn = requireColumn(table, 'Target');
  const weightColumn = findColumn(table.header, 'Weight');
  return table.rows
    .filter((row) => weightColumn === undefined || (parseNumericCell(row[weightColumn]) ?? 0) > 0)
    .map((row) => ({ from: row[sourceColumn] ?? '', to: row[targetColumn] ?? '' }))
    .filter((call) => call.from !== '' && call.to !== '');
}

function uniqueCalls(calls: readonly Call[]): Call[] {
  const byKey = new Map(calls.map((call) => [`${call.from}\n${call.to}`, call]));
  return [...byKey.values()].sort((left, right) => compareText(left.from, right.from) || compareText(left.to, right.to));
}

interface ValueColumn {
  index: number;
  labels: Record<string, string>;
}

function metricColumns(header: readonly string[]): ValueColumn[] {
  return header.flatMap((name, index) => (nonMetricColumns.has(name.toLowerCase()) ? [] : [{ index, labels: { __name__: metricNameOfColumn(name) } }]));
}

/**
 * Series of a table with a time column and one value column per metric. When several entities
 * share the table (a row per pod and minute), `entity` names the column that tells them apart
 * and the labels each adds.
 */
function wideTableSeries(
  table: Table,
  columns: readonly ValueColumn[],
  entity?: { column: number; labels: (name: string) => Record<string, string> },
): DatasetSeries[] {
  const timeColumn = requireColumn(table, 'Time');
  const seriesByEntity = new Map<string, Array<DatasetSeries | undefined>>();
  const allSeries: DatasetSeries[] = [];
  table.rows.forEach((row, rowIndex) => {
    const time = parseNezhaTime(row[timeColumn] ?? '');
    if (time === undefined) throw new Error(`${table.file}: row ${rowIndex + 2}: unreadable time ${JSON.stringify(row[timeColumn])}`);
    const entityName = entity ? (row[entity.column] ?? '') : '';
    let entitySeries = seriesByEntity.get(entityName);
    if (!entitySeries) {
      entitySeries = [];
      seriesByEntity.set(entityName, entitySeries);
    }
    columns.forEach((column, position) => {
      const value = parseNumericCell(row[column.index]);
      if (value === undefined) return;
      let series = entitySeries[position];
      if (!series) {
        series = { labels: { ...column.labels, ...entity?.labels(entityName) }, points: [] };
        entitySeries[position] = series;
        allSeries.push(series);
      }
      series.points.push([time, value]);
    });
  });
  return allSeries;
}

function firstBreach(
  points: readonly Point[],
  injectAt: number,
  breachTest: (baseline: { median: number; interquartileRange: number }) => (value: number) => boolean,
): number | undefined {
  const baseline = points.filter(([time]) => time >= injectAt - baselineSeconds && time < injectAt).map(([, value]) => value);
  if (baseline.length === 0) return undefined;
  const breaches = breachTest(medianAndInterquartileRange(baseline));
  return points.find(([time, value]) => time >= injectAt && time <= injectAt + alertWindowSeconds && breaches(value))?.[0];
}

function pickNormalTimes(dataRange: { start: number; end: number }, injectTimes: readonly number[], count: number): number[] {
  const first = Math.ceil((dataRange.start + baselineSeconds) / minute) * minute;
  const last = Math.floor((dataRange.end - alertWindowSeconds) / minute) * minute;
  const candidates: number[] = [];
  for (let time = first; time <= last; time += minute) {
    if (injectTimes.every((injectAt) => Math.abs(time - injectAt) >= normalDistanceFromFaultSeconds)) candidates.push(time);
  }
  return pickEvenlySpread(candidates, count);
}

function sliAlertLabels(service: string, sli: string): Record<string, string> {
  return { alertname: 'SliDegraded', service, sli, severity: 'critical' };
}

function snakeCase(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

export function requireColumn(table: Table, name: string): number {
  const index = findColumn(table.header, name);
  if (index === undefined) throw new Error(`${table.file}: no ${name} column (header: ${table.header.join(',')})`);
  return index;
}

// The tables disagree on case (`Time` in pod files, `time` in the call tables).
function findColumn(header: readonly string[], name: string): number | undefined {
  const index = header.findIndex((column) => column.toLowerCase() === name.toLowerCase());
  return index === -1 ? undefined : index;
}

export function faultListPath(directory: string, date: string): string {
  return path.join(directory, date, `${date}-fault_list.json`);
}
