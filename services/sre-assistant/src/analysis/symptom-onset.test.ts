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
    expect(symptomOnset(risingFrom(-12), 'up', windows)).toEqual({ began: minutesBeforeAlert(12), capped: false });
  });

  it('says nothing when the symptom was normal just before the window', () => {
    expect(symptomOnset(risingFrom(-1), 'up', windows)).toBeNull();
    // High earlier, but back to normal for the minutes before the window: another episode.
    expect(symptomOnset(series((minute) => 0.1 + 0.005 * noise(minute) + (minute >= -20 && minute < -5 ? 0.5 : 0)), 'up', windows)).toBeNull();
  });

  it('needs the symptom to hold: one sample off normal just before the window is not a beginning', () => {
    expect(symptomOnset(series((minute) => 0.1 + 0.005 * noise(minute) + (minute === -3 ? 0.5 : 0)), 'up', windows)).toBeNull();
    expect(symptomOnset(series((minute) => 0.1 + 0.005 * noise(minute) + (minute === -3 || minute === -4 ? 0.5 : 0)), 'up', windows)).toEqual({
      began: minutesBeforeAlert(4),
      capped: false,
    });
  });

  it('only follows the symptom on the side it moved to', () => {
    // Latency that fell before the window is not the beginning of latency that rose.
    const falling = series((minute) => 0.1 + 0.005 * noise(minute) - (minute >= -12 ? 0.05 : 0));
    expect(symptomOnset(falling, 'up', windows)).toBeNull();
    expect(symptomOnset(falling, 'down', windows)).toEqual({ began: minutesBeforeAlert(12), capped: false });
  });

  it('looks back thirty minutes before the window at most, and says when it stopped there', () => {
    expect(symptomOnset(risingFrom(-40), 'up', windows)).toEqual({ began: minutesBeforeAlert(32), capped: true });
    // Older still, the symptom fills enough of its own normal to look normal: it is not followed.
    expect(symptomOnset(risingFrom(-60), 'up', windows)).toBeNull();
  });

  it('says nothing without ten points of normal before the stretch it searches', () => {
    expect(symptomOnset([], 'up', windows)).toBeNull();
    // The series began 40 minutes before the alert: 8 points before the 30-minute stretch.
    const recent = risingFrom(-12).filter(([seconds]) => seconds * 1000 >= minutesBeforeAlert(40).getTime());
    expect(symptomOnset(recent, 'up', windows)).toBeNull();
  });
});
