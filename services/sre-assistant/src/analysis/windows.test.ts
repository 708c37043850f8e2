import { describe, expect, it } from 'vitest';
import { analysisWindows, anchoredAt } from './windows';

const start = new Date('2026-03-01T03:00:00Z');
const minutes = (count: number) => count * 60_000;

describe('analysisWindows', () => {
  it('compares the three hours before the change with the time since, one point a minute, when asked right away', () => {
    const windows = analysisWindows(start, new Date(start.getTime() + minutes(1)));
    expect(windows.anomaly).toEqual({ start: new Date('2026-03-01T02:58:00Z'), end: new Date('2026-03-01T03:01:00Z') });
    // The baseline stops one step short of the anomaly window: no point belongs to both.
    expect(windows.baseline).toEqual({ start: new Date('2026-02-28T23:58:00Z'), end: new Date('2026-03-01T02:57:00Z') });
    expect(windows.stepSeconds).toBe(60);
    expect(windows.dataEnd).toEqual(windows.anomaly.end);
    expect(windows.alertStart).toEqual(start);
  });

  it('stops the anomaly window ten minutes after the start when asked later, fetching ten minutes more to see what held', () => {
    const later = analysisWindows(start, new Date(start.getTime() + minutes(300)));
    expect(later.anomaly.end).toEqual(new Date('2026-03-01T03:10:00Z'));
    expect(later.dataEnd).toEqual(new Date('2026-03-01T03:20:00Z'));
    // Never past the present.
    expect(analysisWindows(start, new Date(start.getTime() + minutes(13))).dataEnd).toEqual(new Date('2026-03-01T03:13:00Z'));
  });

  it('never ends the anomaly window before the alert started, whatever the clock says', () => {
    expect(analysisWindows(start, new Date(start.getTime() - minutes(5))).anomaly.end).toEqual(start);
  });
});

describe('anchoredAt', () => {
  const windows = analysisWindows(start, new Date(start.getTime() + minutes(4)));

  it('moves the anomaly window back to two minutes before the change began, the baseline ending a step before it', () => {
    const anchored = anchoredAt(windows, new Date('2026-03-01T02:48:00Z'));
    expect(anchored.anomaly).toEqual({ start: new Date('2026-03-01T02:46:00Z'), end: windows.anomaly.end });
    // The baseline keeps its start: the data already fetched covers both windows.
    expect(anchored.baseline).toEqual({ start: windows.baseline.start, end: new Date('2026-03-01T02:45:00Z') });
    expect(anchored.stepSeconds).toBe(60);
    expect(anchored.dataEnd).toEqual(windows.dataEnd);
    // The alert still began when it did: causes are judged against that.
    expect(anchored.alertStart).toEqual(start);
  });

  it('never moves the anomaly window later', () => {
    expect(anchoredAt(windows, new Date('2026-03-01T03:00:30Z'))).toEqual(windows);
  });
});
