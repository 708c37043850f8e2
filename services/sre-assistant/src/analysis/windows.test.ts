import { describe, expect, it } from 'vitest';
import { analysisWindows } from './windows';

const start = new Date('2026-03-01T03:00:00Z');
const minutes = (count: number) => count * 60_000;

describe('analysisWindows', () => {
  it('compares the hour before the change with the time since, when asked right away', () => {
    const windows = analysisWindows(start, new Date(start.getTime() + minutes(1)));
    expect(windows.anomaly).toEqual({ start: new Date('2026-03-01T02:58:00Z'), end: new Date('2026-03-01T03:01:00Z') });
    expect(windows.baseline).toEqual({ start: new Date('2026-03-01T01:58:00Z'), end: new Date('2026-03-01T02:58:00Z') });
  });

  it('stops the anomaly window ten minutes after the start when asked later', () => {
    expect(analysisWindows(start, new Date(start.getTime() + minutes(300))).anomaly.end).toEqual(new Date('2026-03-01T03:10:00Z'));
  });

  it('never ends the anomaly window before the alert started, whatever the clock says', () => {
    expect(analysisWindows(start, new Date(start.getTime() - minutes(5))).anomaly.end).toEqual(start);
  });
});
