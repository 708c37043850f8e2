import type { AnalysisHypothesis, AnalysisVerdict, FaultKind, SupportingSignal } from '@sre/db';
import { confidencesOf } from './confidence';
import type { Entity } from './entities';
import type { CollectedSeries } from './evidence-collector';
import { faultKindOf, harmfulDirection } from './fault-kinds';
import { compareText, seriesKey } from './ordering';
import { hasBaseline, seriesChange, type SeriesChange } from './series-change';
import { coherenceWith } from './symptom-coherence';
import { symptomOnset, type SymptomOnset } from './symptom-onset';
import { anchoredAt, type AnalysisWindows } from './windows';

export interface RootCauseRanking {
  verdict: AnalysisVerdict;
  /** Candidate entities, most likely first; listed even when inconclusive, each with its confidence. */
  hypotheses: AnalysisHypothesis[];
  /** Series with enough data in both windows to be judged. */
  comparedSeries: number;
  /** Of those, the series that changed (sustained deviation ≥ 3) the way a fault moves them, by soon after the alert. */
  changedSeries: number;
  /** Series too new (or with too large a gap) before the alert to know their normal: not judged. */
  seriesWithoutHistory: number;
  /** Series with a baseline and no sample in the anomaly window: they stopped reporting (an exporter or host gone). */
  seriesStopped: number;
  /** Series that changed the way a fault moves them only after the alert (past the cause horizon): not counted as causes. */
  changedAfterAlert: number;
  /** The windows the series were judged in: the alert's, or moved back to when its symptom began. */
  windows: AnalysisWindows;
  /** The alert's symptom when it was already off normal before the alert's window, and since when. */
  symptomBefore: ({ entity: string; metric: string } & SymptomOnset) | null;
}

interface Signal {
  series: CollectedSeries;
  change: SeriesChange;
  metric: string;
  kind: FaultKind;
  /** How closely it moved with the symptom (0–1); null without a symptom or enough shared points to compare. */
  coherence: number | null;
}

/** The alerting entity's strongest changed latency, errors or traffic series: what the alert is about. */
interface Symptom {
  signal: Signal;
  entity: string;
}

interface Candidate {
  entity: Entity;
  /** Best series per metric family, strongest first; changed or supporting. */
  signals: Signal[];
  /** Orders the candidates: the strengths of their changed and supporting metrics combined. */
  score: number;
  /** Whether it stands out: its changed metrics alone combined, discounted like the score. */
  changeScore: number;
}

/**
 * Percentiles of one measurement are one signal, not three: `latency_p90_seconds`,
 * `latency_p99_seconds` (and a summary's quantile series, which share a name) move together.
 */
const metricFamilyOf = (metric: string) => metric.replace(/_p\d{2,3}(?=_|$)/, '');

// A series counts as changed from this many robust spreads. From the lower figure it supports its
// entity's rank (a cause moves several metrics, some of them a little) but cannot make it stand out.
const changedDeviation = 3;
const supportingDeviation = 2;
// An entity's score combines its few most changed metrics: a real fault moves several (CPU and
// latency and the latency its callers see), noise rarely moves more than one. The logarithm keeps
// one enormous deviation (a metric that was flat) from outweighing three clear ones.
const metricsCombined = 3;
// Latency, errors and traffic travel up the call graph: a caller's slow responses are explained
// by a slow dependency, however deep. When any dependency, direct or not, changed at least half
// as much, the caller's own score is discounted by this factor.
const propagatingKinds: ReadonlySet<FaultKind> = new Set(['latency', 'errors', 'traffic']);
const explainedDiscount = 0.5;
const explainingShare = 0.5;
// A cause moves with the symptom it causes: a change that began long before the alert, or wanders
// on its own (a memory drift, a deploy elsewhere, a gap in collection), is likelier coincidence.
// A series' strength is its deviation × (1 − w + w × |correlation with the symptom|). Strengths
// order the candidates; the verdict is the first candidate's change score, from its unweighted
// deviations, so the weighing picks who comes first but not how much it must have changed.
const coherenceWeight = 0.7;
// Below this change score nothing stands out. It takes two changed metric families at ~6.4 spreads,
// three at 3, or one alone at ~54. Set on the development data's windows without a fault, whose
// strongest entity rarely reaches it, while most real causes pass it (docs/rca-benchmark.md has the
// figures for 3.5 to 5).
const conclusiveScore = 4;

const hypothesesKept = 5;

/**
 * Ranks the examined entities as root causes of the alert: scores each series' sustained robust
 * deviation up to the time a cause of the alert shows by (series-change.ts), weighs it by how
 * closely the series moved with the alert's symptom, combines each entity's strongest metrics,
 * discounts callers whose symptoms a changed dependency explains, and says "inconclusive" when
 * nothing stands out. When the symptom was already off normal before the alert's window (an
 * alerting rule's `for:` delays the alert), everything is judged again from when it began. Work is
 * linear in the number of series (twice at most); ties go to the alerting entity, then by name, so
 * the same data always gives the same answer.
 */
export function rankRootCauses(series: readonly CollectedSeries[], entities: readonly Entity[], alertWindows: AnalysisWindows): RootCauseRanking {
  // The alert's start says where to look, not when the change began.
  const atAlert = judge(series, entities, alertWindows);
  // The symptom stays the one found at the alert: judged again, a shorter baseline could pick another.
  const symptom = symptomOf(entities, atAlert.signalsByEntity);
  const onset = symptom ? symptomOnset(symptom.signal.series.points, symptom.signal.change.direction, alertWindows) : null;
  const symptomBefore = symptom && onset ? { entity: symptom.entity, metric: symptom.signal.metric, ...onset } : null;
  const windows = symptomBefore ? anchoredAt(alertWindows, symptomBefore.began) : alertWindows;
  const judged = symptomBefore ? judge(series, entities, windows) : atAlert;
  const signalsByEntity = symptom ? weighedBy(symptom, windows, judged.signalsByEntity) : judged.signalsByEntity;

  const ranked = discountExplained(candidatesOf(entities, signalsByEntity), entities)
    .filter((candidate) => candidate.score > 0)
    .sort(
      (a, b) =>
        b.score - a.score ||
        Number(b.entity.relation === 'alerting') - Number(a.entity.relation === 'alerting') ||
        compareText(a.entity.name, b.entity.name),
    );
  const confidences = confidencesOf(ranked.map((candidate) => candidate.score));
  const verdict: AnalysisVerdict = (ranked[0]?.changeScore ?? 0) >= conclusiveScore ? 'likely_cause' : 'inconclusive';
  const hypotheses = ranked.slice(0, hypothesesKept).map((candidate, index) => hypothesisOf(candidate, index + 1, confidences[index]!, symptom));
  const { comparedSeries, changedSeries, seriesWithoutHistory, seriesStopped, changedAfterAlert } = judged;
  return { verdict, hypotheses, comparedSeries, changedSeries, seriesWithoutHistory, seriesStopped, changedAfterAlert, windows, symptomBefore };
}

/** The signals with their coherence: how closely each moved with the symptom in these windows. */
function weighedBy(symptom: Symptom, windows: AnalysisWindows, signalsByEntity: ReadonlyMap<string, ReadonlyMap<string, Signal>>): Map<string, Map<string, Signal>> {
  const coherence = coherenceWith(symptom.signal.series.points, windows);
  return new Map(
    [...signalsByEntity].map(([entity, byFamily]) => [entity, new Map([...byFamily].map(([family, signal]) => [family, { ...signal, coherence: coherence(signal.series.points) }]))]),
  );
}

/** Each entity with its signals, strongest first, and its two scores. */
function candidatesOf(entities: readonly Entity[], signalsByEntity: ReadonlyMap<string, ReadonlyMap<string, Signal>>): Candidate[] {
  return entities.map((entity) => {
    const signals = [...signalsByEntity.get(entity.name)!.values()].sort((a, b) => strengthOf(b) - strengthOf(a) || compareText(a.metric, b.metric));
    const changed = signals.filter((signal) => signal.change.score >= changedDeviation);
    return { entity, signals, score: combined(signals.map(strengthOf)), changeScore: combined(changed.map((signal) => signal.change.score)) };
  });
}

/** The candidates with a caller's scores halved when its changes are symptoms that a changed dependency explains. */
function discountExplained(candidates: readonly Candidate[], entities: readonly Entity[]): Candidate[] {
  const raw = new Map(candidates.map((candidate) => [candidate.entity.name, candidate.score]));
  const dependenciesOf = transitiveDependencies(entities);
  return candidates.map((candidate) => {
    const symptomsOnly = candidate.signals.slice(0, metricsCombined).every((signal) => propagatingKinds.has(signal.kind));
    const explained = [...dependenciesOf(candidate.entity.name)].some((name) => (raw.get(name) ?? 0) >= explainingShare * candidate.score);
    return candidate.score > 0 && symptomsOnly && explained
      ? { ...candidate, score: candidate.score * explainedDiscount, changeScore: candidate.changeScore * explainedDiscount }
      : candidate;
  });
}

/** Each entity's changed and supporting signals in these windows, best per metric family. */
function judge(series: readonly CollectedSeries[], entities: readonly Entity[], windows: AnalysisWindows) {
  const signalsByEntity = new Map<string, Map<string, Signal>>(entities.map((entity) => [entity.name, new Map()]));
  let comparedSeries = 0;
  let changedSeries = 0;
  let seriesWithoutHistory = 0;
  let seriesStopped = 0;
  let changedAfterAlert = 0;
  for (const candidate of series) {
    const change = seriesChange(candidate.points, windows);
    if (!change) {
      if (!hasBaseline(candidate.points, windows)) seriesWithoutHistory += 1;
      else seriesStopped += 1;
      continue;
    }
    comparedSeries += 1;
    const metric = candidate.labels.__name__ ?? '(unnamed series)';
    const kind = faultKindOf(metric);
    const harmful = harmfulDirection(metric, kind, candidate.labels);
    const harmfulWay = (direction: SeriesChange['direction']) => harmful === 'either' || harmful === direction;
    // What changed only after the alert is not judged (seriesChange stops at the cause horizon), but the summary says how much was set aside.
    if (change.score < changedDeviation && change.later && change.later.score >= changedDeviation && harmfulWay(change.later.direction)) changedAfterAlert += 1;
    if (change.score < supportingDeviation || !harmfulWay(change.direction)) continue;
    if (change.score >= changedDeviation) changedSeries += 1;
    const byFamily = signalsByEntity.get(candidate.entity.name)!;
    const family = metricFamilyOf(metric);
    // Equal scores go to the series whose labels sort first, whatever order the store returned them in.
    const best = byFamily.get(family);
    const better = !best || change.score > best.change.score || (change.score === best.change.score && seriesKey(candidate.labels) < seriesKey(best.series.labels));
    if (better) byFamily.set(family, { series: candidate, change, metric, kind, coherence: null });
  }
  return { signalsByEntity, comparedSeries, changedSeries, seriesWithoutHistory, seriesStopped, changedAfterAlert };
}

/** The deviation, scaled down as far as the series did not move with the alert's symptom: what orders candidates. */
const strengthOf = ({ change, coherence }: Signal) => (coherence === null ? change.score : change.score * (1 - coherenceWeight + coherenceWeight * coherence));

/** An entity's few strongest scores, each on a log scale, summed. */
const combined = (scores: readonly number[]) =>
  [...scores]
    .sort((a, b) => b - a)
    .slice(0, metricsCombined)
    .reduce((sum, score) => sum + Math.log1p(score), 0);

/**
 * The alert's symptom as the metrics show it: the alerting entities' most changed latency, errors
 * or traffic series (an SLI alert is about one of those); when several entities alert, one series
 * stands for them all. None when no alerting entity has such a change, and then no series is
 * weighed by it.
 */
function symptomOf(entities: readonly Entity[], signalsByEntity: ReadonlyMap<string, ReadonlyMap<string, Signal>>): Symptom | null {
  let symptom: Symptom | null = null;
  for (const entity of entities) {
    if (entity.relation !== 'alerting') continue;
    for (const signal of signalsByEntity.get(entity.name)!.values()) {
      if (!propagatingKinds.has(signal.kind) || signal.change.score < changedDeviation) continue;
      if (!symptom || outranks(signal, entity.name, symptom)) symptom = { signal, entity: entity.name };
    }
  }
  return symptom;
}

/** Stronger change first; ties by entity, then by series, so the same data always picks the same symptom. */
function outranks(signal: Signal, entity: string, current: Symptom): boolean {
  if (signal.change.score !== current.signal.change.score) return signal.change.score > current.signal.change.score;
  if (entity !== current.entity) return entity < current.entity;
  return seriesKey(signal.series.labels) < seriesKey(current.signal.series.labels);
}

/**
 * Everything an entity depends on, directly or through others (a slow database slows the API
 * that calls it and the gateway in front of that). Each entity's set is computed once, on demand.
 */
function transitiveDependencies(entities: readonly Entity[]): (name: string) => ReadonlySet<string> {
  const direct = new Map(entities.map((entity) => [entity.name, entity.dependsOn]));
  const memo = new Map<string, Set<string>>();
  return (name) => {
    const known = memo.get(name);
    if (known) return known;
    const reached = new Set<string>();
    const pending = [...(direct.get(name) ?? [])];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (next === name || reached.has(next)) continue;
      reached.add(next);
      pending.push(...(direct.get(next) ?? []));
    }
    memo.set(name, reached);
    return reached;
  };
}

function hypothesisOf(candidate: Candidate, rank: number, confidence: number, symptom: Symptom | null): AnalysisHypothesis {
  const [top, ...others] = candidate.signals as [Signal, ...Signal[]];
  const { change } = top;
  const moved = change.direction === 'up' ? 'rose' : 'fell';
  const withSymptom =
    symptom && top.series !== symptom.signal.series && top.coherence !== null ? `, correlation ${round(top.coherence)} with ${symptom.signal.metric} on ${symptom.entity} around the alert` : '';
  // Supporting signals (2–3 spreads) order the candidates but have not changed; they are listed in `signals`, not claimed here.
  const changedToo = others.filter((signal) => signal.change.score >= changedDeviation);
  const also = changedToo.length
    ? `; ${changedToo.length} other metric${changedToo.length > 1 ? 's' : ''} changed with it (${changedToo.slice(0, 2).map((signal) => signal.metric).join(', ')}${changedToo.length > 2 ? ', …' : ''})`
    : '';
  return {
    rank,
    entity: candidate.entity.name,
    deviceId: candidate.entity.deviceId,
    metric: top.metric,
    direction: change.direction,
    score: round(candidate.score),
    kind: top.kind,
    confidence,
    onset: earliestOnset(candidate.signals.slice(0, metricsCombined)).toISOString(),
    // The extreme may be a one-scrape spike beyond what held; the score is what held.
    statement: `${describe(top)} on ${candidate.entity.name} ${moved} from a median of ${format(change.baseline.median!)} to ${change.direction === 'up' ? 'a peak' : 'a low'} of ${format(change.direction === 'up' ? change.anomaly.max : change.anomaly.min)} (held at ${round(change.score)}× its normal spread) from ${timeOf(change.onset)}${withSymptom}${also}`,
    evidence: { query: top.series.query, series: top.series.labels, baseline: change.baseline, anomaly: change.anomaly },
    signals: candidate.signals.slice(0, 5).map((signal): SupportingSignal => ({
      metric: signal.metric,
      kind: signal.kind,
      direction: signal.change.direction,
      score: round(signal.change.score),
      query: signal.series.query,
    })),
  };
}

const earliestOnset = (signals: readonly Signal[]) => new Date(Math.min(...signals.map((signal) => signal.change.onset.getTime())));

// The labels that tell this series from its siblings (cpu, mode, caller…), not those every series of the entity shares.
function describe(signal: Signal): string {
  const shared = new Set(['__name__', 'job', 'instance', ...Object.keys(signal.series.entity.selector)]);
  const distinguishing = Object.entries(signal.series.labels).filter(([name]) => !shared.has(name));
  const labels = distinguishing.length ? `{${distinguishing.map(([name, value]) => `${name}="${value}"`).join(', ')}}` : '';
  const name = `${signal.metric}${labels}`;
  return signal.series.kind === 'rate' ? `the per-second rate of ${name}` : name;
}

const timeOf = (date: Date) => `${date.toISOString().slice(11, 16)} UTC`;
const round = (value: number) => Math.round(value * 100) / 100;

function format(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 10_000 || magnitude < 0.01 ? value.toExponential(2) : String(Math.round(value * 1000) / 1000);
}
