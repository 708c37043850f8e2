import { describe, expect, it } from 'vitest';
import { coherenceWith } from './symptom-coherence';
import { analysisWindows } from './windows';

const alertStart = new Date('2026-03-01T12:00:00Z');
const windows = analysisWindows(alertStart, new Date('2026-03-01T12:05:00Z'));

const noise = (minute: number) => Math.sin(minute * 12.9898) * 0.5 + Math.sin(minute * 78.233) * 0.5;
/** One point a minute over the baseline and anomaly windows, valued by minutes from the alert's start. */
function series(valueAt: (minute: number) => number): Array<[number, number]> {
  const points: Array<[number, number]> = [];
  for (let time = windows.baseline.start.getTime(); time <= windows.anomaly.end.getTime(); time += 60_000) {
    points.push([time / 1000, valueAt((time - alertStart.getTime()) / 60_000)]);
  }
  return points;
}

// The frontend's latency: steady, then up from a minute before the alert.
const symptom = series((minute) => 0.1 + 0.002 * noise(minute) + (minute >= -1 ? 0.8 : 0));
const coherence = coherenceWith(symptom, windows);

describe('coherenceWith', () => {
  it('is near 1 for a series that moved with the symptom, whichever way', () => {
    expect(coherence(series((minute) => 30 + noise(minute + 7) + (minute >= -1 ? 50 : 0)))).toBeGreaterThan(0.95);
    expect(coherence(series((minute) => 99 + 0.1 * noise(minute + 3) - (minute >= -1 ? 20 : 0)))).toBeGreaterThan(0.95);
  });

  it('is low for a change that began long before the symptom, and for noise', () => {
    const earlier = coherence(series((minute) => 1e9 + 1e6 * noise(minute) + (minute >= -18 ? 5e8 : 0)));
    expect(earlier).toBeLessThan(0.4);
    expect(coherence(series((minute) => 5 + noise(minute + 11)))).toBeLessThan(0.4);
  });

  it('only looks at the stretch around the alert: hours of agreement before it do not count', () => {
    // In step with the symptom's wobble for hours, then wandering on its own once the stretch begins.
    const wobble = (minute: number) => 0.1 + 0.002 * noise(minute);
    const agreedBefore = series((minute) => (minute < -22 ? wobble(minute) : 0.1 + 0.002 * noise(minute * 3 + 5)));
    const withWobble = coherenceWith(series(wobble), windows);
    expect(withWobble(series(wobble))).toBeCloseTo(1, 6);
    expect(withWobble(agreedBefore)).toBeLessThan(0.4);
  });

  it('is 0 for a flat series and null without enough shared finite points; never NaN', () => {
    expect(coherence(series(() => 4))).toBe(0);
    expect(coherence(series((minute) => (minute >= 2 ? minute : Number.NaN)))).toBeNull();
    expect(coherence(series((minute) => (minute >= -1 ? Number.POSITIVE_INFINITY : 1)))).toBe(0);
    expect(coherenceWith([], windows)(symptom)).toBeNull();
  });

  it('does not overflow on values near the float limits', () => {
    expect(coherence(series((minute) => (minute >= -1 ? 1e300 : -1e300)))).toBeGreaterThan(0.95);
  });
});
