import { describe, expect, it } from 'vitest';
import { seriesSelector } from './find-metric-series';

describe('seriesSelector', () => {
  it('quotes the metric name and every value', () => {
    expect(seriesSelector('node_load1', [{ name: 'instance', value: 'say "hi"' }])).toBe('{__name__="node_load1", instance="say \\"hi\\""}');
  });

  it('matches several values of one label literally, as alternatives', () => {
    const labels = [
      { name: 'path', value: '/a.b' },
      { name: 'job', value: 'web' },
      { name: 'path', value: 'x|y' },
      { name: 'path', value: '/a.b' },
    ];
    expect(seriesSelector(undefined, labels)).toBe(String.raw`{job="web", path=~"/a\\.b|x\\|y"}`);
  });
});
