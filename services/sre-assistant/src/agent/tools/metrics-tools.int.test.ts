import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVictoriaMetricsClient, type VictoriaMetricsClient } from '@sre/victoriametrics';
import { startVictoriaMetrics, type RunningVictoriaMetrics } from '../../../../../test/victoriametrics';
import { refusalOf, toolCallerAt } from '../../../test/tool-calls';
import { createFindMetricSeriesTool } from './find-metric-series';
import { defaultToolLimits, type ToolLimits } from './limits';
import { createListMetricLabelsTool } from './list-metric-labels';
import { createQueryMetricsInstantTool } from './query-metrics-instant';
import { createQueryMetricsRangeTool } from './query-metrics-range';
import { formatTime } from './time-window';
import { ToolError, type ToolResult } from './tool';

const stepMs = 15_000;
const minuteMs = 60_000;
// The task's clock: whole seconds, a minute back, because VictoriaMetrics hides the newest second from queries.
const now = new Date(Math.floor(Date.now() / 1000) * 1000 - minuteMs);
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
// Two hours of samples every 15 s, the last one at `now`.
const sampleTimes = Array.from({ length: 481 }, (_, index) => now.getTime() - (480 - index) * stepMs);
// tool_test_load is 1, except 9 from 40 to 30 minutes ago.
const spike = { from: now.getTime() - 40 * minuteMs, to: now.getTime() - 30 * minuteMs };
// Quotes, a backslash and regex metacharacters; the decoy matches `/api/v1.0` read as a regex.
const awkwardPath = String.raw`say "hi" \ (a|b)*`;
const paths = ['/api/v1.0', '/api/v1X0', awkwardPath, 'b'];

function samples(): string {
  const lines = sampleTimes.flatMap((time) => [
    `tool_test_load{instance="web-1:9100",job="node"} ${time >= spike.from && time < spike.to ? 9 : 1} ${time}`,
    ...Array.from({ length: 25 }, (_, cpu) => `tool_test_cpu{cpu="${cpu}",instance="web-1:9100"} ${cpu} ${time}`),
    ...paths.map((path) => `tool_test_requests{path=${JSON.stringify(path)}} 1 ${time}`),
  ]);
  return `${lines.join('\n')}\n`;
}

const call = toolCallerAt(now);

// The content as the model reads it: JSON.
const contentOf = (result: ToolResult) => JSON.parse(JSON.stringify(result.content));

describe('metrics tools against a real VictoriaMetrics', () => {
  let victoriaMetrics: RunningVictoriaMetrics;
  let metrics: VictoriaMetricsClient;
  const limits: ToolLimits = { ...defaultToolLimits };

  beforeAll(async () => {
    victoriaMetrics = await startVictoriaMetrics();
    await victoriaMetrics.importPrometheus(samples());
    metrics = createVictoriaMetricsClient({ url: victoriaMetrics.url, timeoutMs: 5_000 });
  });
  afterAll(async () => {
    await victoriaMetrics?.stop();
  });

  describe('query_metrics_instant', () => {
    const instant = () => createQueryMetricsInstantTool(metrics, limits);

    it('returns each series’ value at the task’s now by default', async () => {
      const result = await call(instant(), { query: 'tool_test_load' });
      expect(contentOf(result)).toEqual({
        query: 'tool_test_load',
        time: formatTime(now),
        resultType: 'vector',
        series: [{ labels: { __name__: 'tool_test_load', instance: 'web-1:9100', job: 'node' }, value: 1 }],
      });
      expect(result).toMatchObject({ summary: `1 series at ${formatTime(now)}`, truncated: false });
    });

    it('evaluates at the given time', async () => {
      const time = new Date(spike.from + 5 * minuteMs).toISOString();
      const result = await call(instant(), { query: 'sum(tool_test_load) * 2', time });
      expect(contentOf(result)).toMatchObject({ resultType: 'vector', series: [{ labels: {}, value: 18 }] });
    });

    it('shows at most maxSeries series and says how many matched', async () => {
      const result = await call(instant(), { query: 'tool_test_cpu' });
      expect(contentOf(result).series).toHaveLength(20);
      expect(contentOf(result).hint).toMatch(/aggregate/);
      expect(result).toMatchObject({ summary: `showing 20 of 25 series at ${formatTime(now)}`, truncated: true });
    });

    it('summarises a range selector’s raw samples and thins their points', async () => {
      const result = await call(instant(), { query: 'tool_test_load[10m]' });
      const [series] = contentOf(result).series;
      // (now − 10 min, now] holds 40 samples at 15 s.
      expect(series.summary).toEqual({ first: 1, last: 1, min: 1, max: 1, mean: 1, samples: 40 });
      expect(series.points).toHaveLength(30);
      expect(series.points.at(-1)).toEqual([formatTime(now), 1]);
      expect(result).toMatchObject({ summary: `1 series of raw samples up to ${formatTime(now)}; 30 of up to 40 points per series shown, statistics over all`, truncated: true });
    });

    it('says when nothing matched and what to do', async () => {
      const result = await call(instant(), { query: 'tool_test_nothing' });
      expect(contentOf(result)).toMatchObject({ series: [], hint: expect.stringMatching(/find_metric_series/) });
      expect(result).toMatchObject({ summary: `0 series at ${formatTime(now)}`, truncated: false });
    });

    it('passes a PromQL syntax error back with VictoriaMetrics’ reason', async () => {
      const refusal = await refusalOf(call(instant(), { query: 'sum(tool_test_load' }));
      expect(refusal.message).toMatch(/^VictoriaMetrics answered 422 to sum\(tool_test_load: .*unexpected.*Correct the query and call again\.$/s);
    });

    it('refuses a time without an offset before querying', () => {
      expect(() => instant().input.parse({ query: 'up', time: '2026-03-01T14:05:00' })).toThrow();
    });
  });

  describe('query_metrics_range', () => {
    const range = (overrides: Partial<ToolLimits> = {}) => createQueryMetricsRangeTool(metrics, { ...limits, ...overrides });

    it('summarises each series over every point and shows evenly spaced points, first and last included', async () => {
      const start = hoursAgo(2);
      const result = await call(range(), { query: 'tool_test_load', start: start.toISOString(), end: now.toISOString() });
      const content = contentOf(result);
      // Two hours in at most 300 points: 25 s steps, 289 points.
      expect(content).toMatchObject({ query: 'tool_test_load', start: formatTime(start), end: formatTime(now), stepSeconds: 25 });
      const [series] = content.series;
      expect(series.labels).toEqual({ __name__: 'tool_test_load', instance: 'web-1:9100', job: 'node' });
      expect(series.summary).toMatchObject({ first: 1, last: 1, min: 1, max: 9, samples: 289 });
      expect(series.summary.mean).toBeGreaterThan(1.5);
      expect(series.summary.mean).toBeLessThan(1.8);
      expect(series.points).toHaveLength(30);
      expect(series.points[0]).toEqual([formatTime(start), 1]);
      expect(series.points.at(-1)).toEqual([formatTime(now), 1]);
      expect(result).toMatchObject({ summary: '1 series at a 25 s step; 30 of up to 289 points per series shown, statistics over all', truncated: true });
    });

    it('raises a step that would return too many points, and says so', async () => {
      const result = await call(range(), { query: 'tool_test_load', start: hoursAgo(2).toISOString(), end: now.toISOString(), stepSeconds: 1 });
      expect(contentOf(result)).toMatchObject({ stepSeconds: 25, hint: expect.stringMatching(/^The step was raised from 1 s to 25 s/) });
    });

    it('keeps a coarser step as asked, and leaves short series whole', async () => {
      const result = await call(range(), { query: 'tool_test_load', start: hoursAgo(1).toISOString(), end: now.toISOString(), stepSeconds: 300 });
      const content = contentOf(result);
      expect(content.stepSeconds).toBe(300);
      expect(content.series[0].points).toHaveLength(13);
      expect(content.hint).toBeUndefined();
      expect(result).toMatchObject({ summary: '1 series at a 300 s step', truncated: false });
    });

    it('shows at most maxSeries series', async () => {
      const result = await call(range(), { query: 'tool_test_cpu', start: hoursAgo(1).toISOString(), end: now.toISOString() });
      expect(contentOf(result).series).toHaveLength(20);
      expect(result.summary).toMatch(/^showing 20 of 25 series at a 13 s step/);
      expect(result.truncated).toBe(true);
    });

    it('refuses a range longer than maxRangeHours', async () => {
      const refusal = await refusalOf(call(range(), { query: 'tool_test_load', start: hoursAgo(25).toISOString(), end: now.toISOString() }));
      expect(refusal.message).toBe(`the window from ${formatTime(hoursAgo(25))} to ${formatTime(now)} is 25 hours long; at most 24 hours are allowed: narrow it, or query the part that matters`);
      await expect(call(range({ maxRangeHours: 1 }), { query: 'tool_test_load', start: hoursAgo(2).toISOString(), end: now.toISOString() })).rejects.toThrow(/at most 1 hours/);
    });

    it('refuses an end before the start', async () => {
      const refusal = await refusalOf(call(range(), { query: 'tool_test_load', start: now.toISOString(), end: hoursAgo(1).toISOString() }));
      expect(refusal.message).toBe(`end (${formatTime(hoursAgo(1))}) must be after start (${formatTime(now)})`);
    });

    it('passes a PromQL syntax error back with VictoriaMetrics’ reason', async () => {
      const refusal = await refusalOf(call(range(), { query: 'rate(tool_test_load[5m]', start: hoursAgo(1).toISOString(), end: now.toISOString() }));
      expect(refusal.message).toMatch(/^VictoriaMetrics answered 422 to rate\(tool_test_load\[5m\]: /);
    });
  });

  describe('find_metric_series', () => {
    const find = () => createFindMetricSeriesTool(metrics, limits);
    const pathsOf = (result: ToolResult) => contentOf(result).series.map((labels: Record<string, string>) => labels.path).sort();

    it('matches a label value with quotes, a backslash and regex characters exactly', async () => {
      const result = await call(find(), { metric: 'tool_test_requests', labels: [{ name: 'path', value: awkwardPath }] });
      expect(contentOf(result)).toEqual({
        selector: String.raw`{__name__="tool_test_requests", path="say \"hi\" \\ (a|b)*"}`,
        start: formatTime(hoursAgo(1)),
        end: formatTime(now),
        series: [{ __name__: 'tool_test_requests', path: awkwardPath }],
      });
      expect(result.truncated).toBe(false);
    });

    it('matches several values of one label literally, not as a regex', async () => {
      const result = await call(find(), { labels: [{ name: 'path', value: '/api/v1.0' }, { name: 'path', value: awkwardPath }] });
      expect(pathsOf(result)).toEqual(['/api/v1.0', awkwardPath].sort());
    });

    it('finds nothing for a value that tries to close the selector', async () => {
      const result = await call(find(), { labels: [{ name: 'path', value: '"} or {__name__=~".+' }] });
      expect(contentOf(result)).toMatchObject({ series: [], hint: expect.stringMatching(/list_metric_labels/) });
    });

    it('shows at most maxSeries series', async () => {
      const result = await call(find(), { metric: 'tool_test_cpu' });
      expect(contentOf(result).series).toHaveLength(20);
      expect(result).toMatchObject({ summary: 'showing 20 of 25 series matching {__name__="tool_test_cpu"}', truncated: true });
    });

    it('needs a metric or labels, and label names that are label names', () => {
      expect(() => find().input.parse({})).toThrow(/Give a metric name, labels, or both/);
      expect(() => find().input.parse({ labels: [{ name: 'path"} or up{', value: 'x' }] })).toThrow();
    });

    it('refuses a window longer than maxRangeHours', async () => {
      await expect(call(find(), { metric: 'tool_test_cpu', start: hoursAgo(30).toISOString() })).rejects.toThrow(ToolError);
    });
  });

  describe('list_metric_labels', () => {
    const list = (overrides: Partial<ToolLimits> = {}) => createListMetricLabelsTool(metrics, { ...limits, ...overrides });

    it('lists the label names of a metric', async () => {
      const result = await call(list(), { metric: 'tool_test_requests' });
      expect(contentOf(result)).toEqual({ metric: 'tool_test_requests', start: formatTime(hoursAgo(1)), end: formatTime(now), labelNames: ['__name__', 'path'] });
      expect(result).toMatchObject({ summary: '2 label names of tool_test_requests', truncated: false });
    });

    it('lists the values of a label verbatim', async () => {
      const result = await call(list(), { label: 'path', metric: 'tool_test_requests' });
      expect(contentOf(result).values).toEqual([...paths].sort());
    });

    it('lists metric names as the values of __name__', async () => {
      const result = await call(list(), { label: '__name__' });
      expect(contentOf(result).values).toEqual(expect.arrayContaining(['tool_test_cpu', 'tool_test_load', 'tool_test_requests']));
    });

    it('shows at most maxItems entries and says how many there were', async () => {
      const result = await call(list({ maxItems: 10 }), { label: 'cpu', metric: 'tool_test_cpu' });
      expect(contentOf(result).values).toHaveLength(10);
      expect(result).toMatchObject({ summary: 'showing 10 of 25 values of label cpu of tool_test_cpu', truncated: true });
    });
  });
});
