import { describe, expect, it } from 'vitest';
import { symptomOnset } from './symptom-onset';
import { analysisWindows } from './windows';

const alertStart = new Date('2026-03-01T12:00:00Z');
const windows = analysisWindows(alertStart, new Date('2026-03-01T12:05:00Z'));
const minutesBeforeAlert = (count: number) => new Date(alertStart.getTime() - count * 60_000);

/** One point a minute over both windows; `valueAt` gets minutes relative to the alert's start. */
function series(valueAt: (minute: number) => number): Array<[number, number]> {
  const points: Array<[number, number]> = [];
  for (let time = windows.baseline.start.getTime(); time <= windows.anomaly.end.getTime(); time += 60_000) points.push([time / 1000, valueAt((time - alertStart.getTime()) / 60_000)]);
  return points;
}
const noise = (minute: number) => Math.sin(minute * 12.9898) * 0.5 + Math.sin(minute * 78.233) * 0.5;
/** Latency around 100 ms that rises to 600 ms from `from` minutes after the alert (negative: before). */
const risingFrom = (from: number) => series((minute) => 0.1 + 0.005 * noise(minute) + (minute >= from ? 0.5 : 0));

describe('symptomOnset', () => {
  it('finds when a symptom that was already high before the window began', () => {
    // A rule with `for: 10m` fires ten minutes after the latency rose.
    expect(symptomOnset(risingFrom(-12), 'up', windows)).toEqual(minutesBeforeAlert(12));
  });

  it('says nothing when the symptom was normal just before the window', () => {
    expect(symptomOnset(risingFrom(-1), 'up', windows)).toBeNull();
    // High earlier, but back to normal for the minutes before the window: another episode.
    expect(symptomOnset(series((minute) => 0.1 + 0.005 * noise(minute) + (minute >= -20 && minute < -5 ? 0.5 : 0)), 'up', windows)).toBeNull();
  });

  it('only follows the symptom on the side it moved to', () => {
    // Latency that fell before the window is not the beginning of latency that rose.
    expect(symptomOnset(series((minute) => 0.1 + 0.005 * noise(minute) - (minute >= -12 ? 0.05 : 0)), 'up', windows)).toBeNull();
    expect(symptomOnset(series((minute) => 0.1 + 0.005 * noise(minute) - (minute >= -12 ? 0.05 : 0)), 'down', windows)).toEqual(minutesBeforeAlert(12));
  });

  it('looks back thirty minutes before the window at most', () => {
    expect(symptomOnset(risingFrom(-40), 'up', windows)).toEqual(minutesBeforeAlert(32));
  });

  it('says nothing without a baseline', () => {
    expect(symptomOnset([], 'up', windows)).toBeNull();
  });
});
