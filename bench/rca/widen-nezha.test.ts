import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from './case';
import { readNezha } from './nezha';
import { writeSyntheticNezha, type SyntheticNezha } from './testing/synthetic-datasets';
import { widenNezha, type WidenedDay } from './widen-nezha';

let workDirectory: string;
let planted: SyntheticNezha;
let original: Dataset;
let widened: Dataset;
let report: WidenedDay[];

beforeAll(async () => {
  workDirectory = await mkdtemp(path.join(tmpdir(), 'rca-widen-'));
  planted = await writeSyntheticNezha(path.join(workDirectory, 'nezha'));
  report = await widenNezha(path.join(workDirectory, 'nezha'), path.join(workDirectory, 'wide'), 2);
  [original, widened] = await Promise.all([readNezha(path.join(workDirectory, 'nezha')), readNezha(path.join(workDirectory, 'wide'))]);
});

afterAll(async () => {
  await rm(workDirectory, { recursive: true, force: true });
});

const ascending = (a: number, b: number) => a - b;
const seriesOf = (dataset: Dataset, labels: Record<string, string>) =>
  dataset.groups.get(planted.date)!.series.filter((series) => Object.entries(labels).every(([name, value]) => series.labels[name] === value));

describe('widenNezha', () => {
  it('adds each service twice under a new name, the copies calling each other as the originals do and called by the entry point', () => {
    expect(report).toEqual([{ date: planted.date, services: 4, copiedServices: 8 }]);
    const { graph } = widened.groups.get(planted.date)!;
    const copies = planted.services.flatMap((service) => [`${service}-copy1`, `${service}-copy2`]);
    expect(graph.services).toEqual([...planted.services, ...copies].sort());
    const expectedCalls = [
      ...planted.calls,
      ...[1, 2].flatMap((copy) => [
        ...planted.calls.map((call) => ({ from: `${call.from}-copy${copy}`, to: `${call.to}-copy${copy}` })),
        { from: planted.sliService, to: `${planted.sliService}-copy${copy}` },
      ]),
    ];
    expect(graph.calls).toEqual(expect.arrayContaining(expectedCalls));
    expect(graph.calls).toHaveLength(expectedCalls.length);
  });

  it('leaves the cases and their truths as they were', () => {
    expect(widened.cases).toEqual(original.cases);
    expect(widened.truths).toEqual(original.truths);
  });

  it("replays the original's values shifted by a different amount per copy, leaving out the minutes around each fault", () => {
    const [source] = seriesOf(original, { __name__: 'cpu_usage_rate_percent', service: 'billing' });
    const [first] = seriesOf(widened, { __name__: 'cpu_usage_rate_percent', service: 'billing-copy1' });
    const [second] = seriesOf(widened, { __name__: 'cpu_usage_rate_percent', service: 'billing-copy2' });
    const quiet = (time: number) => planted.faults.every((fault) => time < fault.injectAt - 5 * 60 || time > fault.injectAt + 30 * 60);
    const healthyValues = source!.points.filter(([time]) => quiet(time)).map(([, value]) => value);

    for (const copy of [first!, second!]) {
      // Every minute of the day is there except those whose values came from around a fault …
      expect(copy.points).toHaveLength(healthyValues.length);
      // … and the values are exactly the original's healthy ones: the fault's fourfold CPU never shows.
      expect(copy.points.map(([, value]) => value).sort(ascending)).toEqual([...healthyValues].sort(ascending));
      expect(copy.points.every(([time]) => source!.points.some(([sourceTime]) => sourceTime === time))).toBe(true);
    }
    expect(first!.points.map(([, value]) => value)).not.toEqual(second!.points.map(([, value]) => value));
  });

  it('copies the call latencies between copies, without the delay the network fault planted', () => {
    const [delayed] = seriesOf(original, { __name__: 'call_latency_p50_seconds', caller: 'storefront', service: 'catalog', side: 'client' });
    const [copied] = seriesOf(widened, { __name__: 'call_latency_p50_seconds', caller: 'storefront-copy1', service: 'catalog-copy1', side: 'client' });
    expect(Math.max(...delayed!.points.map(([, value]) => value))).toBeGreaterThan(0.2);
    expect(copied!.points.length).toBeGreaterThan(planted.minutes / 2);
    expect(Math.max(...copied!.points.map(([, value]) => value))).toBeLessThan(0.01);
  });

  it('refuses to write over an existing directory or to make no copies', async () => {
    await expect(widenNezha(path.join(workDirectory, 'nezha'), path.join(workDirectory, 'wide'), 1)).rejects.toThrow(/already exists/);
    await expect(widenNezha(path.join(workDirectory, 'nezha'), path.join(workDirectory, 'none'), 0)).rejects.toThrow(/positive whole number/);
  });
});
