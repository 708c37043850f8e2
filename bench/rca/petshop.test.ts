import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../test/repository-root';
import type { Dataset } from './case';
import { metricName, parseGraph, parseMetrics, readPetshop, withHistory } from './petshop';
import { writeSyntheticPetshop, type SyntheticPetshop } from './testing/synthetic-datasets';

const minute = 60;

let workDirectory: string;
let planted: SyntheticPetshop;
let dataset: Dataset;

beforeAll(async () => {
  workDirectory = await mkdtemp(path.join(tmpdir(), 'rca-petshop-'));
  planted = await writeSyntheticPetshop(path.join(workDirectory, 'petshop'));
  dataset = await readPetshop(path.join(workDirectory, 'petshop'));
});

afterAll(async () => {
  await rm(workDirectory, { recursive: true, force: true });
});

describe('readPetshop on a synthetic scenario', () => {
  it('makes a group per issue in train and test, and one for the fault-free recording', () => {
    expect(dataset.format).toBe('petshop');
    expect([...dataset.groups.keys()]).toEqual([...planted.issues.map((issue) => issue.caseId), `${planted.scenario}/noissue`]);
  });

  it("gives each group the scenario's graph: matrix names plus metric components, calls where weight > 0", () => {
    for (const group of dataset.groups.values()) {
      expect(group.graph.services).toEqual([...planted.components, planted.graphOnlyComponent].sort());
      expect(group.graph.calls).toEqual(expect.arrayContaining(planted.calls));
      expect(group.graph.calls).toHaveLength(planted.calls.length);
    }
  });

  it('names series <metric>_<statistic> per component, skipping blank cells', () => {
    const group = dataset.groups.get(planted.issues[0]!.caseId)!;
    expect(new Set(group.series.map((series) => series.labels.__name__))).toEqual(
      new Set(['latency_average', 'latency_p50', 'latency_p90', 'latency_p99', 'requests_sum', 'availability_average']),
    );
    expect(group.series).toHaveLength(planted.components.length * 6);
    for (const series of group.series) {
      expect(Object.keys(series.labels).sort()).toEqual(['__name__', 'service']);
      expect(planted.components).toContain(series.labels.service);
    }
    const withBlank = group.series.find((series) => series.labels.__name__ === 'requests_sum' && series.labels.service === planted.components.at(-1));
    const issueStart = planted.issues[0]!.dataRange.start;
    const ownTimes = (points: Array<[number, number]>) => points.map(([time]) => time).filter((time) => time >= issueStart);
    expect(ownTimes(withBlank!.points)).toEqual([1, 2, 3, 4].map((row) => issueStart + row * 5 * minute));
    const complete = group.series.find((series) => series.labels.__name__ === 'latency_p90' && series.labels.service === planted.components[0]);
    expect(ownTimes(complete!.points)).toHaveLength(5);
  });

  it("puts the noissue recording ahead of each issue's samples as its history, on the issue's sample grid", () => {
    const noissueRows = (planted.noissueRange.end - planted.noissueRange.start) / (5 * minute) + 1;
    for (const issue of planted.issues) {
      const group = dataset.groups.get(issue.caseId)!;
      const complete = group.series.find((series) => series.labels.__name__ === 'latency_p90' && series.labels.service === planted.components[0])!;
      const times = complete.points.map(([time]) => time);
      expect(times).toHaveLength(noissueRows + 5);
      expect(times[0]).toBe(issue.dataRange.start - noissueRows * 5 * minute);
      expect(times.slice(1).every((time, index) => time - times[index]! === 5 * minute)).toBe(true);
    }
  });

  it('withHistory keeps series found in only one of the two and refuses tables too short to tell the step', () => {
    const issue = [{ labels: { __name__: 'latency_p90', service: 'a' }, points: [[1000, 2], [1060, 3]] as Array<[number, number]> }];
    const history = [
      { labels: { __name__: 'latency_p90', service: 'a' }, points: [[10, 1], [70, 1]] as Array<[number, number]> },
      { labels: { __name__: 'latency_p90', service: 'b' }, points: [[70, 5]] as Array<[number, number]> },
    ];
    expect(withHistory(issue, history)).toEqual([
      { labels: { __name__: 'latency_p90', service: 'a' }, points: [[880, 1], [940, 1], [1000, 2], [1060, 3]] },
      { labels: { __name__: 'latency_p90', service: 'b' }, points: [[940, 5]] },
    ]);
    expect(() => withHistory([{ labels: issue[0]!.labels, points: [[1000, 2]] }], [history[1]!])).toThrow(/sample step/);
  });

  it('makes one fault case per issue, alerting at the target time with the target as labels', () => {
    const faults = dataset.cases.filter((rcaCase) => rcaCase.kind === 'fault');
    expect(faults).toEqual(
      planted.issues.map((issue) => ({
        id: issue.caseId,
        group: issue.caseId,
        scenario: planted.scenario,
        kind: 'fault',
        faultType: null,
        alertMetric: issue.target.metric,
        alert: {
          labels: { alertname: 'SliDegraded', service: issue.target.node, sli: issue.target.metric, statistic: issue.target.agg, severity: 'critical' },
          at: { alert: issue.target.timestamp, inject: issue.target.timestamp },
          fired: true,
        },
        // The noissue recording ends one sample step before the issue starts.
        dataRange: { start: issue.dataRange.start - (planted.noissueRange.end - planted.noissueRange.start) - 5 * minute, end: issue.dataRange.end },
      })),
    );
  });

  it('keeps the root causes as truths, and never the metadata', () => {
    expect(dataset.truths).toEqual(new Map(planted.issues.map((issue) => [issue.caseId, issue.truth])));
    const everything = JSON.stringify({ cases: dataset.cases, groups: [...dataset.groups.values()], truths: [...dataset.truths] });
    expect(everything).not.toContain(planted.metadataMarker);
    expect(everything).not.toContain('reproducibility');
  });

  it("draws normal cases from the noissue recording, raising the scenario's usual alert", () => {
    const normals = dataset.cases.filter((rcaCase) => rcaCase.kind === 'normal');
    expect(normals.map((rcaCase) => rcaCase.id)).toEqual(Array.from({ length: 8 }, (_, index) => `${planted.scenario}/noissue/normal-${index + 1}`));
    // Both issues alert on the portal's Average, one on latency and one on availability: the tie goes by name.
    const node = planted.issues[0]!.target.node;
    for (const rcaCase of normals) {
      const time = rcaCase.alert.at.alert;
      expect(rcaCase).toMatchObject({
        group: `${planted.scenario}/noissue`,
        faultType: null,
        alertMetric: 'availability',
        alert: { labels: { alertname: 'SliDegraded', service: node, sli: 'availability', statistic: 'Average', severity: 'critical' }, at: { inject: time }, fired: true },
        dataRange: planted.noissueRange,
      });
      expect(time - 60 * minute).toBeGreaterThanOrEqual(planted.noissueRange.start);
      expect(time + 15 * minute).toBeLessThanOrEqual(planted.noissueRange.end);
      expect(dataset.truths.has(rcaCase.id)).toBe(false);
    }
    const times = normals.map((rcaCase) => rcaCase.alert.at.alert);
    expect(times).toEqual([...new Set(times)].sort((left, right) => left - right));
    expect(times.at(-1)! - times[0]!).toBeGreaterThan(60 * minute);
  });

  it('draws as many normal cases as asked, and makes no noissue group without them', async () => {
    const fewer = await readPetshop(path.join(workDirectory, 'petshop'), { normalPerGroup: 2 });
    expect(fewer.cases.filter((rcaCase) => rcaCase.kind === 'normal')).toHaveLength(2);
    const none = await readPetshop(path.join(workDirectory, 'petshop'), { normalPerGroup: 0 });
    expect(none.cases.filter((rcaCase) => rcaCase.kind === 'normal')).toEqual([]);
    expect(none.groups.has(`${planted.scenario}/noissue`)).toBe(false);
  });

  it('draws no normal cases for a scenario without issues, whose alert is unknown', async () => {
    const directory = path.join(workDirectory, 'without-issues');
    const scenario = path.join(directory, 'quiet');
    await mkdir(scenario, { recursive: true });
    await cp(path.join(workDirectory, 'petshop', planted.scenario, 'graph.csv'), path.join(scenario, 'graph.csv'));
    await cp(path.join(workDirectory, 'petshop', planted.scenario, 'noissue'), path.join(scenario, 'noissue'), { recursive: true });
    const quiet = await readPetshop(directory);
    expect(quiet.cases).toEqual([]);
    expect(quiet.groups.size).toBe(0);
  });

  it('refuses a directory without scenarios', async () => {
    await expect(readPetshop(path.join(workDirectory, 'petshop', planted.scenario))).rejects.toThrow(/not a PetShop-format dataset/);
  });
});

describe('PetShop table parsing', () => {
  it('reads an adjacency matrix, ignoring zero weights and self-calls', () => {
    const graph = parseGraph(',a,b,c\na,0.0,1.0,2\nb,0,1,1\nc,0,0,0\n', 'graph.csv');
    expect(graph).toEqual({ services: ['a', 'b', 'c'], calls: [{ from: 'a', to: 'b' }, { from: 'a', to: 'c' }, { from: 'b', to: 'c' }] });
  });

  it('refuses a matrix row with the wrong number of weights', () => {
    expect(() => parseGraph(',a,b\na,0,1\nb,0\n', 'graph.csv')).toThrow('graph.csv: row 3 has 1 weights for 2 columns');
  });

  it('reads the three-row header, skips the unix_timestamp row and floors fractional seconds', () => {
    const text = [
      'microservice,Web,Web,Db',
      'metric,latency,Requests,latency',
      'statistic,p90,Sum,p90',
      'unix_timestamp,,,',
      '1000.0,0.5,10,',
      '1300.7,0.6,,0.1',
    ].join('\n');
    expect(parseMetrics(text, 'metrics.csv')).toEqual([
      { labels: { __name__: 'latency_p90', service: 'Web' }, points: [[1000, 0.5], [1300, 0.6]] },
      { labels: { __name__: 'requests_sum', service: 'Web' }, points: [[1000, 10]] },
      { labels: { __name__: 'latency_p90', service: 'Db' }, points: [[1300, 0.1]] },
    ]);
    expect(() => parseMetrics('microservice,Web\nmetric,latency\nstatistic,p90\nnoon,1\n', 'metrics.csv')).toThrow(
      'metrics.csv: row 4: unreadable timestamp "noon"',
    );
  });

  it('makes metric and statistic a valid, lower-case Prometheus name', () => {
    expect(metricName('latency', 'p90')).toBe('latency_p90');
    expect(metricName('requests', 'Sum')).toBe('requests_sum');
    expect(metricName('error rate', '5xx/min')).toBe('error_rate_5xx_min');
    expect(metricName('4xx', 'Count')).toBe('_4xx_count');
  });
});

const petshopDirectory = path.resolve(repositoryRoot, '../shared/datasets/petshop-train');
const petshopPresent = existsSync(petshopDirectory);
if (!petshopPresent) console.warn(`Skipping the petshop-train development-set checks: ${petshopDirectory} does not exist.`);

describe.runIf(petshopPresent)('readPetshop on the petshop-train development set', () => {
  let real: Dataset;
  beforeAll(async () => {
    real = await readPetshop(petshopDirectory);
  });

  it('finds 20 fault cases over 4 scenarios, every truth in its graph', () => {
    const faults = real.cases.filter((rcaCase) => rcaCase.kind === 'fault');
    expect(faults).toHaveLength(20);
    expect(new Set(faults.map((rcaCase) => rcaCase.scenario)).size).toBe(4);
    expect(real.truths.size).toBe(20);
    for (const rcaCase of faults) {
      expect(real.groups.get(rcaCase.group)!.graph.services, rcaCase.id).toContain(real.truths.get(rcaCase.id)!.service);
      expect(rcaCase.alert.at.alert).toBeGreaterThanOrEqual(rcaCase.dataRange.start);
      expect(rcaCase.alert.at.alert).toBeLessThanOrEqual(rcaCase.dataRange.end);
    }
  });

  it('keeps nothing of any target.json metadata', async () => {
    const everything = JSON.stringify({ cases: real.cases, groups: [...real.groups.values()], truths: [...real.truths] });
    const metadataTexts: string[] = [];
    for (const scenario of new Set(real.cases.map((rcaCase) => rcaCase.scenario))) {
      const trainDirectory = path.join(petshopDirectory, scenario, 'train');
      for (const issue of await readdir(trainDirectory)) {
        const { metadata } = JSON.parse(await readFile(path.join(trainDirectory, issue, 'target.json'), 'utf8')) as { metadata: unknown };
        metadataTexts.push(...stringLeaves(metadata));
      }
    }
    expect(metadataTexts.length).toBeGreaterThan(0);
    for (const text of metadataTexts) expect(everything).not.toContain(text);
  });
});

function stringLeaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringLeaves);
  return [];
}
