import { describe, expect, it } from 'vitest';
import { seriesChange, stepsPerSample } from './series-change';
import { analysisWindows } from './windows';

const alertStart = new Date('2026-03-01T12:00:00Z');
const windows = analysisWindows(alertStart, new Date('2026-03-01T12:05:00Z'));
const startSeconds = windows.baseline.start.getTime() / 1000;
const endSeconds = windows.anomaly.end.getTime() / 1000;

// Diagnosed three minutes after the alert: every point is one a cause of it could show by.
const soon = analysisWindows(alertStart, new Date('2026-03-01T12:03:00Z'));

/** One point a minute over both windows (to `end`, five minutes after the alert unless told); `valueAt` gets minutes relative to the alert's start. */
function series(valueAt: (minute: number) => number, end = endSeconds): Array<[number, number]> {
  const points: Array<[number, number]> = [];
  for (let seconds = startSeconds; seconds <= end; seconds += 60) points.push([seconds, valueAt((seconds * 1000 - alertStart.getTime()) / 60_000)]);
  return points;
}
// Deterministic noise between −1 and 1.
const noise = (minute: number) => Math.sin(minute * 12.9898) * 0.5 + Math.sin(minute * 78.233) * 0.5;

describe('seriesChange', () => {
  it('scores a step that holds high, rising, with its onset', () => {
    const change = seriesChange(series((minute) => 50 + noise(minute) + (minute >= -1 ? 30 : 0)), windows)!;
    expect(change.score).toBeGreaterThan(5);
    expect(change.direction).toBe('up');
    expect(change.onset).toEqual(new Date('2026-03-01T11:59:00Z'));
    expect(change.baseline.median).toBeCloseTo(50, 0);
    expect(change.anomaly.max).toBeGreaterThan(79);
  });

  it('scores a fall as falling', () => {
    expect(seriesChange(series((minute) => 50 + noise(minute) - (minute >= 0 ? 30 : 0)), windows)!.direction).toBe('down');
  });

  it('does not count a one-point spike: a change must hold', () => {
    const change = seriesChange(series((minute) => 50 + noise(minute) + (minute === 1 ? 500 : 0)), windows)!;
    expect(change.score).toBeLessThan(3);
  });

  it('does not count a series that flaps round its median as held, whichever side each point is on', () => {
    // Back to normal at the newest sample, which would otherwise count as a change still going on.
    const flapping = seriesChange(series((minute) => 50 + noise(minute) + (minute >= 0 && minute < 5 ? (minute % 2 === 0 ? 30 : -30) : 0)), windows)!;
    expect(flapping.score).toBeLessThan(2);
  });

  it('scores a series that flaps round its median as unchanged when samples after the window fill every span, rather than failing', () => {
    const later = analysisWindows(alertStart, new Date('2026-03-01T13:00:00Z'));
    const points: Array<[number, number]> = [];
    for (let seconds = later.baseline.start.getTime() / 1000; seconds <= later.dataEnd.getTime() / 1000; seconds += 60) {
      // A job counted every other minute: its rate alternates, and the median falls between the two.
      points.push([seconds, Math.round(seconds / 60) % 2 === 0 ? 0 : 0.5]);
    }
    expect(seriesChange(points, later)!.score).toBe(0);
  });

  it('counts a coarse change inside the range the baseline reached once it outlasts what one jittered sample could cover', () => {
    // Every five minutes at 50, once at 80 long ago; at the alert it steps to 80 and stays.
    const coarse = (now: string) => {
      const at = analysisWindows(alertStart, new Date(now));
      const points: Array<[number, number]> = [];
      for (let seconds = at.baseline.start.getTime() / 1000; seconds <= at.dataEnd.getTime() / 1000; seconds += 60) {
        const sampleMinute = Math.floor((seconds * 1000 - alertStart.getTime()) / 300_000) * 5;
        points.push([seconds, sampleMinute === -100 || sampleMinute >= 0 ? 80 : 50]);
      }
      return seriesChange(points, at)!.score;
    };
    // Six minutes at 80 could still be one sample scraped a minute late: a burst like the baseline's.
    expect(coarse('2026-03-01T12:05:00Z')).toBe(0);
    // Eight minutes cannot.
    expect(coarse('2026-03-01T12:07:00Z')).toBeGreaterThan(30);
  });

  it('dates the change from where it held, not from an earlier one-point spike', () => {
    const change = seriesChange(series((minute) => 50 + noise(minute) + (minute === -2 ? 500 : minute >= 2 ? 30 : 0)), windows)!;
    expect(change.score).toBeGreaterThan(5);
    expect(change.onset).toEqual(new Date('2026-03-01T12:02:00Z'));
  });

  it('judges a spike at the end of a window that closed before the diagnosis by the samples after it', () => {
    // Diagnosed an hour after the alert: the window stops ten minutes in, the data goes on.
    const later = analysisWindows(alertStart, new Date('2026-03-01T13:00:00Z'));
    const lastMinute = (later.anomaly.end.getTime() - alertStart.getTime()) / 60_000;
    const points: Array<[number, number]> = [];
    for (let seconds = later.baseline.start.getTime() / 1000; seconds <= later.dataEnd.getTime() / 1000; seconds += 60) {
      const minute = (seconds * 1000 - alertStart.getTime()) / 60_000;
      points.push([seconds, 50 + noise(minute) + (minute === lastMinute ? 500 : 0)]);
    }
    expect(seriesChange(points, later)!.score).toBeLessThan(3);
    // The same spike at the newest sample there is may be the start of a change: it counts.
    expect(seriesChange(series((minute) => 50 + noise(minute) + (minute === 3 ? 500 : 0), soon.dataEnd.getTime() / 1000), soon)!.score).toBeGreaterThan(100);
  });

  it('does not count a burst at the newest sample that the baseline had already reached, until it holds', () => {
    // Flat, with a rare burst to 80 (too rare to widen the spread); now a burst to 80 again.
    const bursty = (newest: (minute: number) => number) =>
      series((minute) => (minute === -90 || minute === -40 ? 80 : minute >= 2 ? newest(minute) : 50), soon.dataEnd.getTime() / 1000);
    // Held for two samples: a change (30 above a flat 50, whose noise floor is 1 %: 60 spreads).
    expect(seriesChange(bursty(() => 80), soon)!.score).toBeCloseTo(60, 6);
    expect(seriesChange(bursty((minute) => (minute === 3 ? 80 : 50)), soon)!.score).toBeLessThan(3);
    // Further than the baseline ever went, it counts at once.
    expect(seriesChange(bursty((minute) => (minute === 3 ? 120 : 50)), soon)!.score).toBeGreaterThan(100);
  });

  it('counts at once a newest sample that only an earlier incident had reached: an incident is no burst', () => {
    // Around 50, but around 80 for five minutes an hour and a half ago; now 80 at the newest sample.
    const afterIncident = series((minute) => noise(minute) + ((minute >= -90 && minute < -85) || minute === 3 ? 80 : 50), soon.dataEnd.getTime() / 1000);
    expect(seriesChange(afterIncident, soon)!.score).toBeGreaterThan(10);
  });

  it('does not count one coarse sample repeated at every step as held, but counts two', () => {
    // Scraped every five minutes: the range query repeats each sample five times.
    const everyFive = (shifted: (sampleMinute: number) => boolean) =>
      series((minute) => {
        const sampleMinute = Math.floor(minute / 5) * 5;
        return 50 + noise(sampleMinute) + (shifted(sampleMinute) ? 500 : 0);
      });
    expect(seriesChange(everyFive((sampleMinute) => sampleMinute === 0), windows)!.score).toBeLessThan(3);
    expect(seriesChange(everyFive((sampleMinute) => sampleMinute >= 0), windows)!.score).toBeGreaterThan(100);
  });

  it('does not count one coarse sample as held when a late scrape makes it cover a step more', () => {
    const later = analysisWindows(alertStart, new Date('2026-03-01T12:20:00Z'));
    const points: Array<[number, number]> = [];
    for (let seconds = later.baseline.start.getTime() / 1000; seconds <= later.dataEnd.getTime() / 1000; seconds += 60) {
      const minute = (seconds * 1000 - alertStart.getTime()) / 60_000;
      // Every five minutes, but the sample due at 12:05 arrives a minute late: the outlier at 12:00 shows six times.
      const sampleMinute = minute >= 0 && minute < 6 ? 0 : Math.floor(minute / 5) * 5;
      points.push([seconds, 50 + noise(sampleMinute) + (sampleMinute === 0 ? 500 : 0)]);
    }
    expect(seriesChange(points, later)!.score).toBeLessThan(3);
  });

  it('judges a cause by what it showed soon after the alert, not by what it did later', () => {
    // About eight spreads from a minute before the alert, then, five minutes after it, seven hundred.
    const change = seriesChange(series((minute) => 50 + noise(minute) + (minute >= 5 ? 700 : minute >= -1 ? 8 : 0)), windows)!;
    expect(change.score).toBeGreaterThan(3);
    expect(change.score).toBeLessThan(20);
    expect(change.anomaly.max).toBeLessThan(100);
    expect(change.later!.score).toBeGreaterThan(100);
    // What began only after the alert scores nothing, and shows as later.
    const late = seriesChange(series((minute) => 50 + noise(minute) + (minute >= 4 ? 700 : 0)), windows)!;
    expect(late.score).toBeLessThan(3);
    expect(late.later).toMatchObject({ direction: 'up' });
  });

  it('gives a coarse series whose baseline never moved a sample’s time to show the change', () => {
    // Zero for hours, scraped every five minutes; the first sample after the alert lands four minutes in.
    const later = analysisWindows(alertStart, new Date('2026-03-01T12:30:00Z'));
    const points: Array<[number, number]> = [];
    for (let seconds = later.baseline.start.getTime() / 1000; seconds <= later.dataEnd.getTime() / 1000; seconds += 60) {
      const minute = (seconds * 1000 - alertStart.getTime()) / 60_000;
      const sampleMinute = Math.floor((minute - 4) / 5) * 5 + 4;
      points.push([seconds, sampleMinute >= 4 ? 7 + sampleMinute / 100 : 0]);
    }
    const change = seriesChange(points, later)!;
    expect(change.score).toBeGreaterThan(3);
    expect(change.onset).toEqual(new Date('2026-03-01T12:04:00Z'));
  });

  it('does not count a slow drift that was already under way as a change at the alert', () => {
    const change = seriesChange(series((minute) => 50 + 0.05 * (minute + 185) + noise(minute)), windows)!;
    expect(change.score).toBeLessThan(3);
  });

  it('keeps the score of a metric that was constant finite and comparable', () => {
    const fromZero = seriesChange(series((minute) => (minute >= -1 ? 7 : 0)), windows)!;
    expect(fromZero.score).toBeCloseTo(20, 6);
    const slightly = seriesChange(series((minute) => (minute >= -1 ? 100.5 : 100)), windows)!;
    expect(slightly.score).toBeLessThan(1);
  });

  it('is null when either window lacks data', () => {
    expect(seriesChange(series(() => 1).filter(([seconds]) => seconds * 1000 >= alertStart.getTime() - 5 * 60_000), windows)).toBeNull();
    expect(seriesChange(series(() => 1).filter(([seconds]) => seconds * 1000 < windows.anomaly.start.getTime()), windows)).toBeNull();
  });

  it('ignores NaN and infinite samples', () => {
    const points = series((minute) => (minute % 7 === 0 ? Number.NaN : minute % 11 === 0 ? Number.POSITIVE_INFINITY : 50 + noise(minute) + (minute >= -1 ? 30 : 0)));
    const change = seriesChange(points, windows)!;
    expect(Number.isFinite(change.score)).toBe(true);
    expect(change.score).toBeGreaterThan(5);
    expect(Number.isFinite(change.baseline.mean)).toBe(true);
  });
});

describe('stepsPerSample', () => {
  it('is the shortest run of one value between two changes', () => {
    expect(stepsPerSample([1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4])).toBe(5);
    expect(stepsPerSample([1, 1, 2, 2, 2, 3, 4, 4])).toBe(1);
  });

  it('ignores the runs cut by the window edges, and is one for a series that never changes', () => {
    expect(stepsPerSample([7, 8, 8, 8, 9])).toBe(3);
    expect(stepsPerSample([5, 5, 5, 5])).toBe(1);
    expect(stepsPerSample([])).toBe(1);
  });
});
