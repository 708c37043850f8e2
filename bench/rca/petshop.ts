// Reads a dataset in PetShop's layout (Amazon, 2023): scenario directories with a call-graph
// adjacency matrix and issues (`train/issue_*`, `test/issue_*`), each a short metrics table and
// the alert it raised; optionally a long fault-free `noissue/` recording. target.json also holds
// `metadata`, the injection command, which gives the answer away: the schema below keeps only
// the alert and the root cause, so metadata never leaves the parser. Where a scenario has the
// noissue recording, it becomes each issue's history (withHistory).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { seriesTimeRange, type CaseGroup, type CaseTruth, type Dataset, type DatasetSeries, type RcaCase, type SystemGraph } from './case';
import { parseCsv, parseNumericCell } from './csv';
import { isDirectory, isFile, readJson } from './files';
import { pickEvenlySpread } from './statistics';

export interface PetshopOptions {
  /** Fault-free cases to draw from each scenario's noissue recording (default 8). */
  normalPerGroup?: number;
}

const splits = ['train', 'test'] as const;
const defaultNormalPerGroup = 8;
// A normal case needs the hour before it as baseline and a quarter hour after to diagnose.
const normalBaselineSeconds = 60 * 60;
const normalFollowUpSeconds = 15 * 60;

// z.object drops keys it does not name: `metadata` is parsed past, never kept.
const targetFileSchema = z.object({
  target: z.object({ node: z.string().min(1), metric: z.string().min(1), agg: z.string().min(1), timestamp: z.number() }),
  root_cause: z.object({ node: z.string().min(1), metric: z.string().nullable().optional() }),
});
type TargetFile = z.infer<typeof targetFileSchema>;
type Target = TargetFile['target'];
type AlertKind = Pick<Target, 'node' | 'metric' | 'agg'>;

interface Issue {
  split: string;
  name: string;
  directory: string;
}

const naturalOrder = new Intl.Collator('en', { numeric: true }).compare;

/** Reads every scenario of a PetShop-format dataset into groups, cases and (apart) their truths. */
export async function readPetshop(directory: string, options: PetshopOptions = {}): Promise<Dataset> {
  const normalPerGroup = options.normalPerGroup ?? defaultNormalPerGroup;
  const dataset: Dataset = { format: 'petshop', groups: new Map(), cases: [], truths: new Map() };
  for (const scenario of await findScenarios(directory)) {
    const scenarioDirectory = path.join(directory, scenario);
    const graph = await readGraph(path.join(scenarioDirectory, 'graph.csv'));
    const noissueFile = path.join(scenarioDirectory, 'noissue', 'metrics.csv');
    const noissue = (await isFile(noissueFile)) ? await readMetrics(noissueFile) : undefined;
    const targets: Target[] = [];
    for (const issue of await findIssues(scenarioDirectory)) {
      const read = await readIssue(scenario, issue, graph, noissue);
      targets.push(read.target);
      dataset.groups.set(read.group.id, read.group);
      dataset.cases.push(read.rcaCase);
      dataset.truths.set(read.rcaCase.id, read.truth);
    }
    const normals = noissue && readNormals(scenario, noissue, graph, targets, normalPerGroup);
    if (normals) {
      dataset.groups.set(normals.group.id, normals.group);
      dataset.cases.push(...normals.cases);
    }
  }
  return dataset;
}

/** The adjacency matrix: header row of callee names, then `<caller>,<weights…>`; weight > 0 is a call. */
export function parseGraph(text: string, file: string): SystemGraph {
  const [header, ...rows] = parseCsv(text);
  if (!header) throw new Error(`${file}: empty call graph`);
  const callees = header.slice(1);
  const services = new Set(callees);
  const calls: SystemGraph['calls'] = [];
  rows.forEach((row, rowIndex) => {
    const [from = '', ...weights] = row;
    if (weights.length !== callees.length) {
      throw new Error(`${file}: row ${rowIndex + 2} has ${weights.length} weights for ${callees.length} columns`);
    }
    services.add(from);
    weights.forEach((weight, column) => {
      const to = callees[column]!;
      if ((parseNumericCell(weight) ?? 0) > 0 && to !== from) calls.push({ from, to });
    });
  });
  return { services: [...services].sort(), calls };
}

/**
 * Series of a metrics table: three header rows (component, metric, statistic, each after a row
 * label), an optional `unix_timestamp` row, then `<unix seconds>,values…`.
 */
export function parseMetrics(text: string, file: string): DatasetSeries[] {
  const [components, metrics, statistics, ...rows] = parseCsv(text);
  if (!components || !metrics || !statistics) throw new Error(`${file}: fewer than the three header rows (component, metric, statistic)`);
  const seriesByKey = new Map<string, DatasetSeries>();
  const columns = components.slice(1).map((component, offset) => {
    const index = offset + 1;
    const name = metricName(metrics[index] ?? '', statistics[index] ?? '');
    const key = `${component}\n${name}`;
    if (component !== '' && !seriesByKey.has(key)) seriesByKey.set(key, { labels: { __name__: name, service: component }, points: [] });
    return { index, series: seriesByKey.get(key) };
  });

  rows.forEach((row, rowIndex) => {
    if (row[0] === 'unix_timestamp') return;
    const time = parseNumericCell(row[0]);
    if (time === undefined) throw new Error(`${file}: row ${rowIndex + 4}: unreadable timestamp ${JSON.stringify(row[0])}`);
    for (const column of columns) {
      const value = parseNumericCell(row[column.index]);
      if (value !== undefined && column.series) column.series.points.push([Math.floor(time), value]);
    }
  });
  const series = [...seriesByKey.values()].filter((candidate) => candidate.points.length > 0);
  for (const { points } of series) points.sort((left, right) => left[0] - right[0]);
  return series;
}

/** `latency` + `p90` → `latency_p90`: lower case, and a valid Prometheus metric name. */
export function metricName(metric: string, statistic: string): string {
  const name = `${metric}_${statistic}`.toLowerCase().replace(/[^a-z0-9_:]+/g, '_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

async function findScenarios(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const candidates = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  const hasGraph = await Promise.all(candidates.map((name) => isFile(path.join(directory, name, 'graph.csv'))));
  const scenarios = candidates.filter((_, index) => hasGraph[index]).sort(naturalOrder);
  if (scenarios.length === 0) throw new Error(`${directory}: no <scenario>/graph.csv — not a PetShop-format dataset`);
  return scenarios;
}

async function findIssues(scenarioDirectory: string): Promise<Issue[]> {
  const issues: Issue[] = [];
  for (const split of splits) {
    const splitDirectory = path.join(scenarioDirectory, split);
    if (!(await isDirectory(splitDirectory))) continue;
    const names = (await readdir(splitDirectory)).filter((name) => name.startsWith('issue_')).sort(naturalOrder);
    for (const name of names) {
      const directory = path.join(splitDirectory, name);
      const complete = (await isFile(path.join(directory, 'metrics.csv'))) && (await isFile(path.join(directory, 'target.json')));
      if (complete) issues.push({ split, name, directory });
    }
  }
  return issues;
}

async function readIssue(
  scenario: string,
  issue: Issue,
  graph: SystemGraph,
  noissue: readonly DatasetSeries[] | undefined,
): Promise<{ group: CaseGroup; rcaCase: RcaCase; truth: CaseTruth; target: Target }> {
  const [issueSeries, { target, root_cause: rootCause }] = await Promise.all([
    readMetrics(path.join(issue.directory, 'metrics.csv')),
    readTargetFile(path.join(issue.directory, 'target.json')),
  ]);
  const series = noissue ? withHistory(issueSeries, noissue) : issueSeries;
  const id = `${scenario}/${issue.split}/${issue.name}`;
  const rcaCase: RcaCase = {
    id,
    group: id,
    scenario,
    kind: 'fault',
    faultType: null,
    alertMetric: target.metric,
    // The data gives no injection time, only the alert's.
    alert: { labels: alertLabels(target), at: { alert: target.timestamp, inject: target.timestamp }, fired: true },
    dataRange: dataRangeOf(series, id),
  };
  return { group: groupOf(id, graph, series), rcaCase, truth: { service: rootCause.node, indicator: rootCause.metric ?? null }, target };
}

// Fault-free windows of the noissue recording, alerting as the scenario's faults did; a scenario
// without faults has no alert to mimic, and a group without cases is not made at all.
function readNormals(
  scenario: string,
  series: DatasetSeries[],
  graph: SystemGraph,
  targets: readonly Target[],
  count: number,
): { group: CaseGroup; cases: RcaCase[] } | undefined {
  if (targets.length === 0 || count <= 0) return undefined;
  const id = `${scenario}/noissue`;
  const dataRange = dataRangeOf(series, id);
  const times = pickNormalTimes(series, dataRange, count);
  if (times.length === 0) return undefined;
  const alertKind = typicalAlertKind(targets);
  const cases = times.map((time, index): RcaCase => ({
    id: `${id}/normal-${index + 1}`,
    group: id,
    scenario,
    kind: 'normal',
    faultType: null,
    alertMetric: alertKind.metric,
    alert: { labels: alertLabels(alertKind), at: { alert: time, inject: time }, fired: true },
    dataRange,
  }));
  return { group: groupOf(id, graph, series), cases };
}

/**
 * An issue's table holds minutes of data; a production store holds the weeks before. The
 * scenario's fault-free recording stands in for them: shifted to end one sample step before the
 * issue's first sample, so both sit on one grid, and put ahead of the issue's own samples. The
 * recording was made at another time; a level that differs from the issue's normal one shows as
 * a change, so this helps only where traffic is alike (docs/rca-benchmark.md has the effect).
 */
export function withHistory(issue: readonly DatasetSeries[], history: readonly DatasetSeries[]): DatasetSeries[] {
  const issueStart = Math.min(...issue.map((series) => series.points[0]![0]));
  const historyEnd = Math.max(...history.map((series) => series.points.at(-1)![0]));
  const step = sampleStep(issue.length > 0 ? issue : history);
  const shift = issueStart - step - historyEnd;
  const keyOf = (series: DatasetSeries) => `${series.labels.service}\n${series.labels.__name__}`;
  const merged = new Map(issue.map((series) => [keyOf(series), { labels: series.labels, points: [...series.points] }]));
  for (const series of history) {
    const shifted = series.points.map(([time, value]): [number, number] => [time + shift, value]);
    const existing = merged.get(keyOf(series));
    if (existing) existing.points = [...shifted, ...existing.points];
    else merged.set(keyOf(series), { labels: series.labels, points: shifted });
  }
  return [...merged.values()];
}

// The most common gap between consecutive samples of a series.
function sampleStep(series: readonly DatasetSeries[]): number {
  const counts = new Map<number, number>();
  for (const { points } of series) {
    for (let index = 1; index < points.length; index++) {
      const gap = points[index]![0] - points[index - 1]![0];
      counts.set(gap, (counts.get(gap) ?? 0) + 1);
    }
  }
  const [mostCommon] = [...counts].sort(([, left], [, right]) => right - left);
  if (!mostCommon) throw new Error('cannot tell the sample step of series with fewer than two samples');
  return mostCommon[0];
}

async function readGraph(file: string): Promise<SystemGraph> {
  return parseGraph(await readFile(file, 'utf8'), file);
}

async function readMetrics(file: string): Promise<DatasetSeries[]> {
  return parseMetrics(await readFile(file, 'utf8'), file);
}

async function readTargetFile(file: string): Promise<TargetFile> {
  const parsed = targetFileSchema.safeParse(await readJson(file));
  if (!parsed.success) throw new Error(`${file}: not {target: {node, metric, agg, timestamp}, root_cause: {node, metric}}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

// The scenario's graph, plus any component the metrics name that the matrix leaves out.
function groupOf(id: string, graph: SystemGraph, series: DatasetSeries[]): CaseGroup {
  const services = new Set([...graph.services, ...series.map((candidate) => candidate.labels.service!)]);
  return { id, graph: { services: [...services].sort(), calls: graph.calls }, series };
}

function alertLabels(target: AlertKind): Record<string, string> {
  return { alertname: 'SliDegraded', service: target.node, sli: target.metric, statistic: target.agg, severity: 'critical' };
}

// The alert the scenario's faults raise most: its most common node, then that node's most
// common metric and statistic.
function typicalAlertKind(targets: readonly Target[]): AlertKind {
  const node = mostCommon(targets.map((target) => target.node));
  const onNode = targets.filter((target) => target.node === node);
  const metric = mostCommon(onNode.map((target) => target.metric));
  const agg = mostCommon(onNode.filter((target) => target.metric === metric).map((target) => target.agg));
  return { node, metric, agg };
}

function mostCommon(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  const [first] = [...counts].sort(([leftValue, leftCount], [rightValue, rightCount]) => rightCount - leftCount || naturalOrder(leftValue, rightValue));
  if (!first) throw new Error('mostCommon of nothing');
  return first[0];
}

function pickNormalTimes(series: readonly DatasetSeries[], dataRange: { start: number; end: number }, count: number): number[] {
  const sampleTimes = new Set(series.flatMap((candidate) => candidate.points.map(([time]) => time)));
  const candidates = [...sampleTimes]
    .filter((time) => time - normalBaselineSeconds >= dataRange.start && time + normalFollowUpSeconds <= dataRange.end)
    .sort((left, right) => left - right);
  return pickEvenlySpread(candidates, count);
}

// A metrics table without a single sample is a broken dataset: say so rather than make cases without data.
function dataRangeOf(series: readonly DatasetSeries[], groupId: string): { start: number; end: number } {
  const range = seriesTimeRange(series);
  if (range.start > range.end) throw new Error(`${groupId}: the metrics table holds no samples`);
  return range;
}
