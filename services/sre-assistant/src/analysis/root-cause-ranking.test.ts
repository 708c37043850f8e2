import { describe, expect, it } from 'vitest';
import type { Entity } from './entities';
import type { CollectedSeries } from './evidence-collector';
import { rankRootCauses } from './root-cause-ranking';
import { analysisWindows } from './windows';

const alertStart = new Date('2026-03-01T12:00:00Z');
const windows = analysisWindows(alertStart, new Date('2026-03-01T12:05:00Z'));

const entity = (name: string, relation: Entity['relation'], dependsOn: string[] = []): Entity => ({ name, deviceId: `id-${name}`, selector: { service: name }, relation, dependsOn });
const frontend = entity('frontend', 'alerting', ['checkout', 'catalog']);
const checkout = entity('checkout', 'dependency', ['payment']);
const catalog = entity('catalog', 'dependency');
const payment = entity('payment', 'dependency');
const entities = [frontend, checkout, catalog, payment];

const noise = (minute: number) => Math.sin(minute * 12.9898) * 0.5 + Math.sin(minute * 78.233) * 0.5;
/** A series of `owner` that sits at `level` with noise and, from `from` minutes after the alert (a minute before it unless told), moves by `shift`. */
function series(owner: Entity, metric: string, level: number, shift = 0, labels: Record<string, string> = {}, from = -1): CollectedSeries {
  const points: Array<[number, number]> = [];
  for (let time = windows.baseline.start.getTime(); time <= windows.anomaly.end.getTime(); time += 60_000) {
    const minute = (time - alertStart.getTime()) / 60_000;
    points.push([time / 1000, level + noise(minute + level) * 0.02 * level + (minute >= from ? shift : 0)]);
  }
  const allLabels = { __name__: metric, service: owner.name, ...labels };
  return { entity: owner, query: `{__name__="${metric}", service="${owner.name}"}`, kind: 'gauge', labels: allLabels, points };
}

/** Like `series`, but the shift lasts only until `until` minutes after the alert: a change already over. */
function passing(owner: Entity, metric: string, level: number, shift: number, from: number, until: number): CollectedSeries {
  const whole = series(owner, metric, level, shift, {}, from);
  const overAt = (alertStart.getTime() + until * 60_000) / 1000;
  return { ...whole, points: whole.points.map(([seconds, value]) => [seconds, seconds >= overAt ? value - shift : value]) };
}
const minutesBeforeAlert = (count: number) => new Date(alertStart.getTime() - count * 60_000);

const calm = entities.flatMap((owner) => [series(owner, 'cpu_usage_ratio', 0.3), series(owner, 'request_latency_seconds', 0.05), series(owner, 'requests_per_second', 100)]);

describe('rankRootCauses', () => {
  it('says inconclusive, listing nothing, when nothing changed', () => {
    const ranking = rankRootCauses(calm, entities, windows);
    expect(ranking).toMatchObject({ verdict: 'inconclusive', hypotheses: [], comparedSeries: 12, changedSeries: 0, seriesWithoutHistory: 0 });
  });

  it('leaves a series that began just before the alert unjudged, and counts it, however much it moved', () => {
    const fresh = series(payment, 'cpu_usage_ratio', 0.3, 0.6);
    const recentOnly = { ...fresh, points: fresh.points.filter(([seconds]) => seconds * 1000 >= alertStart.getTime() - 8 * 60_000) };
    const ranking = rankRootCauses([recentOnly, ...calm.slice(0, 2)], entities, windows);
    expect(ranking).toMatchObject({ verdict: 'inconclusive', hypotheses: [], comparedSeries: 2, seriesWithoutHistory: 1, seriesStopped: 0 });
  });

  it('counts a series that stopped reporting before the alert apart from those without history', () => {
    const gone = series(payment, 'cpu_usage_ratio', 0.3);
    const stopped = { ...gone, points: gone.points.filter(([seconds]) => seconds * 1000 < windows.anomaly.start.getTime()) };
    const ranking = rankRootCauses([stopped, ...calm.slice(0, 2)], entities, windows);
    expect(ranking).toMatchObject({ comparedSeries: 2, seriesWithoutHistory: 0, seriesStopped: 1 });
  });

  it('does not blame a change that began after the alert, later than a sample and the lag of collecting it, and counts it', () => {
    // The diagnosis sees five minutes past the alert; payment's CPU rose at minute 4, catalog's with the alert.
    const ranking = rankRootCauses([series(payment, 'cpu_usage_ratio', 0.3, 3, {}, 4), series(catalog, 'cpu_usage_ratio', 0.3, 0.3 * 0.02 * 20), ...calm.slice(0, 2)], entities, windows);
    expect(ranking.hypotheses.map((hypothesis) => hypothesis.entity)).toEqual(['catalog']);
    expect(ranking).toMatchObject({ changedSeries: 1, changedAfterAlert: 1 });
    // Three minutes after it is still the alert's doing: one sample and two steps of lag.
    const inTime = rankRootCauses([series(payment, 'cpu_usage_ratio', 0.3, 3, {}, 3)], entities, windows);
    expect(inTime).toMatchObject({ verdict: 'likely_cause', changedAfterAlert: 0 });
    expect(inTime.hypotheses[0]!.entity).toBe('payment');
  });

  it('gives a series scraped every five minutes a sample’s time to show the change', () => {
    // Each value holds for five one-minute steps; the first sample after the change lands at minute 5.
    const coarse = (from: number) => {
      const fine = series(payment, 'cpu_usage_ratio', 0.3, 3, {}, from);
      const byMinute = new Map(fine.points.map(([seconds, value]) => [seconds, value]));
      return { ...fine, points: fine.points.map(([seconds]): [number, number] => [seconds, byMinute.get(seconds - (seconds % 300))!]) };
    };
    expect(rankRootCauses([coarse(1)], entities, windows)).toMatchObject({ verdict: 'likely_cause', changedAfterAlert: 0 });
    // The same change at minute 5 in a one-minute series came too late.
    expect(rankRootCauses([series(payment, 'cpu_usage_ratio', 0.3, 3, {}, 5)], entities, windows)).toMatchObject({ verdict: 'inconclusive', changedAfterAlert: 1 });
  });

  it('names the dependency whose resources and latency changed, over the callers that only saw latency', () => {
    const changed = [
      series(payment, 'request_latency_seconds', 0.05, 0.5),
      series(payment, 'cpu_usage_ratio', 0.3, 0.6),
      series(checkout, 'request_latency_seconds', 0.05, 0.5),
      series(frontend, 'request_latency_seconds', 0.05, 0.5),
    ];
    const unchanged = calm.filter((candidate) => !changed.some((other) => other.entity === candidate.entity && other.labels.__name__ === candidate.labels.__name__));
    const ranking = rankRootCauses([...unchanged, ...changed], entities, windows);
    expect(ranking.verdict).toBe('likely_cause');
    expect(ranking.hypotheses.map((hypothesis) => hypothesis.entity)).toEqual(['payment', 'frontend', 'checkout']);
    const [top] = ranking.hypotheses;
    expect(top).toMatchObject({ rank: 1, deviceId: 'id-payment', direction: 'up', kind: expect.stringMatching(/^(cpu|latency)$/) });
    expect(top!.signals!.map((signal) => signal.metric).sort()).toEqual(['cpu_usage_ratio', 'request_latency_seconds']);
    expect(top!.confidence).toBeGreaterThan(ranking.hypotheses[1]!.confidence!);
    expect(top!.statement).toMatch(/on payment rose from a median of/);
  });

  it('discounts a caller whose only changes are symptoms a changed dependency explains', () => {
    const latencyBoth = [series(checkout, 'request_latency_seconds', 0.05, 0.5), series(payment, 'request_latency_seconds', 0.05, 0.5)];
    const withGraph = rankRootCauses(latencyBoth, entities, windows);
    const checkoutScore = withGraph.hypotheses.find((hypothesis) => hypothesis.entity === 'checkout')!.score;
    const paymentScore = withGraph.hypotheses.find((hypothesis) => hypothesis.entity === 'payment')!.score;
    expect(checkoutScore).toBeCloseTo(paymentScore / 2, 1);
    // Without the dependency edge nothing explains checkout's latency: the two tie.
    const unlinked = [entity('checkout', 'dependency'), payment];
    const withoutGraph = rankRootCauses(latencyBoth.map((candidate) => ({ ...candidate, entity: candidate.entity.name === 'checkout' ? unlinked[0]! : payment })), unlinked, windows);
    expect(withoutGraph.hypotheses[0]!.score).toBe(withoutGraph.hypotheses[1]!.score);
  });

  it('discounts a caller explained by a dependency two hops away, even when the one between did not change', () => {
    // frontend → checkout → payment: payment's latency explains the frontend's, checkout stayed calm.
    const latency = [series(frontend, 'request_latency_seconds', 0.05, 0.5), series(payment, 'request_latency_seconds', 0.05, 0.5)];
    const ranking = rankRootCauses(latency, entities, windows);
    expect(ranking.hypotheses.map((hypothesis) => hypothesis.entity)).toEqual(['payment', 'frontend']);
    expect(ranking.hypotheses[1]!.score).toBeCloseTo(ranking.hypotheses[0]!.score / 2, 1);
    // A dependency cycle ends the walk instead of looping.
    const cyclic = [{ ...frontend, dependsOn: ['checkout'] }, { ...checkout, dependsOn: ['frontend', 'payment'] }, payment, catalog];
    expect(rankRootCauses(latency, cyclic, windows).hypotheses.map((hypothesis) => hypothesis.entity)).toEqual(['payment', 'frontend']);
  });

  it('combines an entity’s metrics: three moderate changes outrank one large one', () => {
    const ranking = rankRootCauses(
      [
        series(catalog, 'cpu_usage_ratio', 0.3, 0.3 * 0.02 * 40),
        series(catalog, 'memory_bytes', 1e9, 1e9 * 0.02 * 40),
        series(catalog, 'disk_io_seconds', 2, 2 * 0.02 * 40),
        series(payment, 'cpu_usage_ratio', 0.3, 0.3 * 0.02 * 400),
      ],
      entities,
      windows,
    );
    expect(ranking.hypotheses.map((hypothesis) => hypothesis.entity)).toEqual(['catalog', 'payment']);
  });

  it('does not blame an entity for getting better or idler: latency that fell, success that rose, CPU that fell', () => {
    const ranking = rankRootCauses(
      [
        series(payment, 'request_latency_seconds', 0.05, -0.04),
        series(payment, 'success_ratio', 0.9, 0.09),
        series(payment, 'cpu_usage_ratio', 0.3, -0.25),
        series(payment, 'node_cpu_seconds_total', 0.7, 0.25, { mode: 'idle' }),
        series(catalog, 'request_latency_seconds', 0.05, 0.5),
        series(catalog, 'cpu_usage_ratio', 0.3, 0.6),
      ],
      entities,
      windows,
    );
    expect(ranking.hypotheses.map((hypothesis) => hypothesis.entity)).toEqual(['catalog']);
    expect(ranking.changedSeries).toBe(2);
    // The same moves the harmful way make payment a cause.
    const worse = rankRootCauses(
      [
        series(payment, 'request_latency_seconds', 0.05, 0.04),
        series(payment, 'success_ratio', 0.9, -0.09),
        series(payment, 'cpu_usage_ratio', 0.3, 0.25),
        series(payment, 'node_cpu_seconds_total', 0.7, -0.25, { mode: 'idle' }),
      ],
      entities,
      windows,
    );
    expect(worse.hypotheses.map((hypothesis) => hypothesis.entity)).toEqual(['payment']);
    expect(worse.changedSeries).toBe(4);
  });

  it('lets a metric that moved a little order the candidates without making any stand out', () => {
    // 2.2 and 2.4 robust spreads by three minutes after the alert: more than noise, less than a change.
    const slightCpu = (owner: Entity) => series(owner, 'cpu_usage_ratio', 0.3, 0.3 * 0.04);
    const slightMemory = (owner: Entity) => series(owner, 'memory_bytes', 1e9, 1e9 * 0.04);
    const weakOnly = rankRootCauses([slightCpu(catalog), slightMemory(catalog)], entities, windows);
    expect(weakOnly.verdict).toBe('inconclusive');
    expect(weakOnly.changedSeries).toBe(0);
    expect(weakOnly.hypotheses.map((hypothesis) => hypothesis.entity)).toEqual(['catalog']);

    const clear = (owner: Entity) => series(owner, 'cpu_usage_ratio', 0.3, 3);
    const supported = rankRootCauses([clear(payment), clear(catalog), slightMemory(catalog)], entities, windows);
    expect(supported.hypotheses.map((hypothesis) => hypothesis.entity)).toEqual(['catalog', 'payment']);
    expect(supported.hypotheses[0]!.signals!.map((signal) => signal.metric)).toEqual(['cpu_usage_ratio', 'memory_bytes']);
    // Listed as support, but not claimed as a change.
    expect(supported.hypotheses[0]!.statement).not.toMatch(/changed with it/);
    const alsoChanged = rankRootCauses([clear(catalog), series(catalog, 'memory_bytes', 1e9, 1e9)], entities, windows);
    expect(alsoChanged.hypotheses[0]!.statement).toMatch(/; 1 other metric changed with it \((cpu_usage_ratio|memory_bytes)\)$/);
  });

  it('puts the dependency that moved with the alert’s symptom ahead of a larger change that began long before', () => {
    // catalog's memory rose a quarter of an hour before the alert and stayed up; payment's CPU rose with the frontend's latency.
    const candidates = [
      series(frontend, 'request_latency_seconds', 0.05, 0.05),
      series(payment, 'cpu_usage_ratio', 0.3, 0.3 * 0.02 * 200),
      series(catalog, 'memory_bytes', 1e9, 1e9 * 0.02 * 280, {}, -15),
    ];
    const ranking = rankRootCauses(candidates, entities, windows);
    expect(ranking.verdict).toBe('likely_cause');
    expect(ranking.hypotheses.map((hypothesis) => hypothesis.entity)).toEqual(['payment', 'catalog', 'frontend']);
    expect(ranking.hypotheses[0]!.statement).toMatch(/, correlation (0\.9\d|1) with request_latency_seconds on frontend around the alert/);
    // Without the symptom to compare with, the larger change comes first.
    const withoutSymptom = rankRootCauses(candidates.slice(1), entities, windows);
    expect(withoutSymptom.hypotheses.map((hypothesis) => hypothesis.entity)).toEqual(['catalog', 'payment']);
  });

  it('judges from when the symptom began when the alert came later (a rule’s for:), and finds a cause already over', () => {
    // The frontend's latency rose 12 minutes before the alert and stayed up; payment's CPU and latency were high from 13 to 5 minutes before it.
    const candidates = [
      series(frontend, 'request_latency_seconds', 0.05, 0.5, {}, -12),
      passing(payment, 'cpu_usage_ratio', 0.3, 0.6, -13, -5),
      passing(payment, 'request_latency_seconds', 0.05, 0.5, -13, -5),
    ];
    const ranking = rankRootCauses(candidates, entities, windows);
    expect(ranking.symptomBefore).toEqual({ entity: 'frontend', metric: 'request_latency_seconds', began: minutesBeforeAlert(12), capped: false });
    expect(ranking.windows.anomaly).toEqual({ start: minutesBeforeAlert(14), end: windows.anomaly.end });
    expect(ranking.verdict).toBe('likely_cause');
    expect(ranking.hypotheses.map((hypothesis) => hypothesis.entity)).toEqual(['payment', 'frontend']);
    expect(ranking.hypotheses[0]).toMatchObject({ onset: minutesBeforeAlert(13).toISOString() });
  });

  it('measures how late a cause may show from the alert, not from the windows moved back to its symptom', () => {
    // The windows move back twelve minutes; catalog's CPU rose a minute after the alert, in time for it.
    const candidates = [series(frontend, 'request_latency_seconds', 0.05, 0.5, {}, -12), series(catalog, 'cpu_usage_ratio', 0.3, 3, {}, 1)];
    const ranking = rankRootCauses(candidates, entities, windows);
    expect(ranking.symptomBefore).not.toBeNull();
    expect(ranking.changedAfterAlert).toBe(0);
    expect(ranking.hypotheses.map((hypothesis) => hypothesis.entity)).toContain('catalog');
  });

  it('keeps the symptom it found at the alert when it judges again from the symptom’s beginning', () => {
    // The frontend's errors burst from 12 to 4 minutes before the alert, larger than its latency, which rose with them and stayed.
    const candidates = [
      series(frontend, 'request_latency_seconds', 0.05, 0.5, {}, -12),
      passing(frontend, 'request_errors_per_second', 1, 50, -12, -4),
      series(payment, 'cpu_usage_ratio', 0.3, 0.6, {}, -12),
      series(payment, 'request_latency_seconds', 0.05, 0.5, {}, -12),
    ];
    const ranking = rankRootCauses(candidates, entities, windows);
    expect(ranking.symptomBefore).toMatchObject({ entity: 'frontend', metric: 'request_latency_seconds' });
    expect(ranking.hypotheses[0]!.entity).toBe('payment');
    expect(ranking.hypotheses[0]!.statement).toMatch(/, correlation [\d.]+ with request_latency_seconds on frontend around the alert/);
  });

  it('keeps the alert’s windows when its symptom began inside them', () => {
    const passed = [passing(payment, 'cpu_usage_ratio', 0.3, 0.6, -13, -5), passing(payment, 'request_latency_seconds', 0.05, 0.5, -13, -5)];
    const ranking = rankRootCauses([series(frontend, 'request_latency_seconds', 0.05, 0.5), ...passed], entities, windows);
    expect(ranking).toMatchObject({ symptomBefore: null, windows });
    // payment was back to normal before the window: not what this alert is about.
    expect(ranking.hypotheses.map((hypothesis) => hypothesis.entity)).toEqual(['frontend']);
  });

  it('breaks ties by the alerting entity, then by name', () => {
    const ranking = rankRootCauses([series(catalog, 'cpu_usage_ratio', 0.3, 3), series(frontend, 'cpu_usage_ratio', 0.3, 3)], [catalog, { ...frontend, dependsOn: [] }], windows);
    expect(ranking.hypotheses.map((hypothesis) => hypothesis.entity)).toEqual(['frontend', 'catalog']);
  });

  it('gives the same answer whatever order the series come in, settling a tie between two series by their labels', () => {
    // Two routes of one metric that moved identically: which one is the evidence must not depend on the store's order.
    const routes = ['/pay', '/cart'].map((route) => series(payment, 'request_latency_seconds', 0.05, 0.5, { route }));
    const rest = [series(catalog, 'cpu_usage_ratio', 0.3, 0.6), ...calm.slice(0, 3)];
    const forward = rankRootCauses([...routes, ...rest], entities, windows);
    const backward = rankRootCauses([...rest, ...routes].reverse(), entities, windows);
    expect(backward).toEqual(forward);
    expect(forward.hypotheses.find((hypothesis) => hypothesis.entity === 'payment')!.evidence.series.route).toBe('/cart');
  });
});
