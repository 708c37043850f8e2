import type { AnalysisHypothesis } from '@sre/db';
import type { CollectedSeries } from './evidence-collector';
import { changeScore, windowStatistics } from './statistics';
import type { AnalysisWindows } from './windows';

export interface RankingOptions {
  /** Hypotheses kept, best first. */
  limit?: number;
  /** A change smaller than this many baseline deviations is noise, not a hypothesis. */
  minimumScore?: number;
}

export interface Ranking {
  hypotheses: AnalysisHypothesis[];
  /** Series with enough samples in both windows to be compared. */
  comparedSeries: number;
}

// Fewer baseline samples than this say nothing about what is normal.
const minimumBaselineSamples = 4;

/**
 * Ranks which metric of which entity changed most between the baseline and the anomaly window:
 * one hypothesis per entity and metric (its most-changed series), highest score first. Ties go
 * to the alerting entity, then by name, so the same data always gives the same answer.
 */
export function rankChanges(series: readonly CollectedSeries[], windows: AnalysisWindows, options: RankingOptions = {}): Ranking {
  const { limit = 5, minimumScore = 3 } = options;
  const best = new Map<string, Omit<AnalysisHypothesis, 'rank'> & { relation: string }>();
  let comparedSeries = 0;
  for (const candidate of series) {
    const baseline = windowStatistics(candidate.points, windows.baseline);
    const anomaly = windowStatistics(candidate.points, windows.anomaly);
    if (!baseline || !anomaly || baseline.samples < minimumBaselineSamples) continue;
    comparedSeries += 1;
    const score = round(changeScore(baseline, anomaly));
    const metric = metricName(candidate);
    const key = `${candidate.entity.name}\u0000${metric}`;
    if (score < minimumScore || (best.get(key)?.score ?? -1) >= score) continue;
    const direction = anomaly.mean >= baseline.mean ? 'up' : 'down';
    best.set(key, {
      entity: candidate.entity.name,
      deviceId: candidate.entity.deviceId,
      relation: candidate.entity.relation,
      metric,
      direction,
      score,
      statement: `${describeSeries(candidate)} on ${candidate.entity.name} ${direction === 'up' ? 'rose' : 'fell'} from ${format(baseline.mean)} to ${format(anomaly.mean)} (${score} baseline deviations)`,
      evidence: { query: candidate.query, series: candidate.labels, baseline, anomaly },
    });
  }
  const hypotheses = [...best.values()]
    .sort(
      (a, b) =>
        b.score - a.score ||
        Number(b.relation === 'alerting') - Number(a.relation === 'alerting') ||
        a.entity.localeCompare(b.entity) ||
        a.metric.localeCompare(b.metric),
    )
    .slice(0, limit)
    .map(({ relation: _relation, ...hypothesis }, index) => ({ rank: index + 1, ...hypothesis }));
  return { hypotheses, comparedSeries };
}

const metricName = (series: CollectedSeries) => series.labels.__name__ ?? '(unnamed series)';

// The labels that tell this series from its siblings (cpu, mode, device…), not those every series of the entity shares.
function describeSeries(series: CollectedSeries): string {
  const shared = new Set(['__name__', 'job', 'instance', ...Object.keys(series.entity.selector)]);
  const distinguishing = Object.entries(series.labels).filter(([name]) => !shared.has(name));
  const labels = distinguishing.length ? `{${distinguishing.map(([name, value]) => `${name}="${value}"`).join(', ')}}` : '';
  const name = `${metricName(series)}${labels}`;
  return series.kind === 'rate' ? `the per-second rate of ${name}` : name;
}

const round = (value: number) => Math.round(value * 100) / 100;

function format(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1000 || magnitude < 0.01 ? value.toExponential(2) : String(round(value));
}
