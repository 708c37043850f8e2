import { describe, expect, it } from 'vitest';
import { nearestFirst } from './evidence-collector';

const nearness = (labels: Record<string, string>) => ({ 'web-1': 0, 'db-1': 1, 'disk-1': 2 })[labels.device!] ?? 3;
const seriesOf = (device: string, name: string) => ({ labels: { __name__: name, device } });

describe('nearestFirst', () => {
  it('keeps the series of the entities nearest the alert when there are too many, in the store’s order among equals', () => {
    const fromStore = [seriesOf('disk-1', 'a'), seriesOf('db-1', 'b'), seriesOf('web-1', 'c'), seriesOf('db-1', 'd'), seriesOf('web-1', 'e')];
    expect(nearestFirst(fromStore, nearness, 3).map(({ labels }) => labels.__name__)).toEqual(['c', 'e', 'b']);
  });

  it('keeps every series, in the store’s order, when they fit', () => {
    const fromStore = [seriesOf('disk-1', 'a'), seriesOf('web-1', 'b')];
    expect(nearestFirst(fromStore, nearness, 2)).toEqual(fromStore);
  });
});
