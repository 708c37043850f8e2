import { describe, expect, it } from 'vitest';
import { alertExpression, chartData, chartRange, seriesName } from './alert-chart';

const at = (iso: string) => new Date(iso);

describe('the expression an alert was fired by', () => {
  it('comes from Prometheus-style generator URLs (g0.expr in the query string)', () => {
    expect(alertExpression('http://prometheus:9090/graph?g0.expr=rate%28node_cpu_seconds_total%5B5m%5D%29+%3E+0.9&g0.tab=1')).toBe(
      'rate(node_cpu_seconds_total[5m]) > 0.9',
    );
    // What vmalert 1.79 sends with scripts/stack's -external.alert.source.
    expect(alertExpression('http://127.0.0.1:8428/graph?g0.expr=demo_metric%7Bjob%3D%22x%22%7D+%3E+0.5&g0.tab=1')).toBe('demo_metric{job="x"} > 0.5');
  });

  it('comes from vmui links, where the parameters follow the hash', () => {
    expect(alertExpression('http://127.0.0.1:8880/vmui/#/?g0.expr=up%7Bjob%3D%22node%22%7D+%3D%3D+0&g0.range_input=1h')).toBe('up{job="node"} == 0');
    expect(alertExpression('https://vm.example.com/vmui/?tenant=0#/?g0.expr=node_load1')).toBe('node_load1');
  });

  it('is undefined without a URL, for a URL without g0.expr, a blank one, or something that is not a URL', () => {
    expect(alertExpression(null)).toBeUndefined();
    expect(alertExpression('http://127.0.0.1:8880/vmalert/alert?group_id=1&alert_id=2')).toBeUndefined();
    expect(alertExpression('http://prometheus/graph?g0.expr=+&g0.tab=1')).toBeUndefined();
    expect(alertExpression('not a url?g0.expr=up')).toBeUndefined();
  });

  it('keeps the expression exactly as written, markup included: escaping is the view’s job', () => {
    expect(alertExpression(`http://p/graph?g0.expr=${encodeURIComponent('up{x="</script>"}')}`)).toBe('up{x="</script>"}');
  });
});

describe('the window a chart shows', () => {
  const now = at('2026-11-22T12:00:00.500Z');

  it('starts two hours before a firing alert and ends now, with about 300 whole-second steps', () => {
    const range = chartRange({ startsAt: at('2026-11-22T11:30:00Z'), endsAt: null }, now);
    expect(range).toEqual({ start: at('2026-11-22T09:30:00Z'), end: at('2026-11-22T12:00:00Z'), stepSeconds: 30 });
  });

  it('ends when a resolved alert ended', () => {
    const range = chartRange({ startsAt: at('2026-11-22T08:00:00Z'), endsAt: at('2026-11-22T08:10:00Z') }, now);
    expect(range).toEqual({ start: at('2026-11-22T06:00:00Z'), end: at('2026-11-22T08:10:00Z'), stepSeconds: 26 });
  });

  it('shows the latest 24 hours of a long alert', () => {
    const range = chartRange({ startsAt: at('2026-11-19T00:00:00Z'), endsAt: null }, now);
    expect(range).toEqual({ start: at('2026-11-21T12:00:00Z'), end: at('2026-11-22T12:00:00Z'), stepSeconds: 288 });
  });

  it('never steps by less than a second, and survives a start in the future', () => {
    const short = chartRange({ startsAt: at('2026-11-22T14:30:00Z'), endsAt: null }, now);
    expect(short).toEqual({ start: at('2026-11-22T10:00:00Z'), end: at('2026-11-22T12:00:00Z'), stepSeconds: 24 });
    const tiny = chartRange({ startsAt: at('2026-11-22T12:00:00Z'), endsAt: at('2026-11-22T10:00:00.200Z') }, now);
    expect(tiny.start.getTime()).toBeLessThan(tiny.end.getTime());
    expect(tiny.stepSeconds).toBeGreaterThanOrEqual(1);
  });
});

describe('chart data', () => {
  const range = { start: at('2026-11-22T10:00:00Z'), end: at('2026-11-22T12:00:00Z'), stepSeconds: 60 };
  const t = (iso: string) => at(iso).getTime() / 1000;

  it('aligns series on one time axis, with null where a series has no sample', () => {
    const data = chartData(
      {
        query: 'node_load1',
        truncated: false,
        series: [
          { labels: { __name__: 'node_load1', instance: 'a' }, points: [[t('2026-11-22T10:01:00Z'), 1], [t('2026-11-22T10:02:00Z'), 2]] },
          { labels: { __name__: 'node_load1', instance: 'b' }, points: [[t('2026-11-22T10:00:00Z'), 5], [t('2026-11-22T10:02:00Z'), 6]] },
        ],
      },
      range,
      { startsAt: at('2026-11-22T11:00:00Z'), endsAt: null },
    );
    expect(data).toEqual({
      timestamps: [t('2026-11-22T10:00:00Z'), t('2026-11-22T10:01:00Z'), t('2026-11-22T10:02:00Z')],
      series: [
        { name: 'node_load1{instance="a"}', values: [null, 1, 2] },
        { name: 'node_load1{instance="b"}', values: [5, null, 6] },
      ],
      window: { start: t('2026-11-22T10:00:00Z'), end: t('2026-11-22T12:00:00Z') },
      markers: [{ label: 'started', at: t('2026-11-22T11:00:00Z') }],
    });
  });

  it('marks the start and the end, leaving out a marker outside the window', () => {
    const alert = { startsAt: at('2026-11-22T11:00:00Z'), endsAt: at('2026-11-22T11:30:00Z') };
    expect(chartData({ query: 'up', truncated: false, series: [] }, range, alert).markers).toEqual([
      { label: 'started', at: t('2026-11-22T11:00:00Z') },
      { label: 'resolved', at: t('2026-11-22T11:30:00Z') },
    ]);
    const longAgo = { startsAt: at('2026-11-20T00:00:00Z'), endsAt: null };
    expect(chartData({ query: 'up', truncated: false, series: [] }, range, longAgo).markers).toEqual([]);
  });

  it('names series the way PromQL writes them', () => {
    expect(seriesName({ __name__: 'up', job: 'node', instance: 'web-1:9100' })).toBe('up{job="node", instance="web-1:9100"}');
    expect(seriesName({ __name__: 'up' })).toBe('up');
    expect(seriesName({ mode: 'idle' })).toBe('{mode="idle"}');
    expect(seriesName({})).toBe('{}');
    expect(seriesName({ path: 'C:\\ "x"' })).toBe('{path="C:\\\\ \\"x\\""}');
  });
});
