import type { AnalysisHypothesis, AnalysisVerdict, EvidenceRecord } from '@sre/db';
import type { EvidenceCollector } from './evidence-collector';
import { rankRootCauses, type RootCauseRanking } from './root-cause-ranking';
import { minimumBaselinePoints } from './series-change';
import { analysisWindows } from './windows';

/** What the diagnoser needs of the alert: who it is about and when it began. */
export interface AlertUnderDiagnosis {
  labels: Record<string, string>;
  startsAt: Date;
}

export interface Diagnosis {
  /** `partial` when some evidence could not be had; the records say which. */
  status: 'completed' | 'partial';
  verdict: AnalysisVerdict;
  summary: string;
  hypotheses: AnalysisHypothesis[];
  evidence: EvidenceRecord[];
}

/** The deterministic diagnosis: which of the alert's entities, or what they depend on, most likely caused it. */
export function createAlertDiagnoser(dependencies: { collector: EvidenceCollector; now?: () => Date }) {
  const { collector, now = () => new Date() } = dependencies;
  return {
    /** Never throws for an upstream failure; it completes as `partial` and says what is missing. */
    async diagnose(alert: AlertUnderDiagnosis, signal: AbortSignal): Promise<Diagnosis> {
      const windows = analysisWindows(alert.startsAt, now());
      const collection = await collector.collect(alert.labels, windows, signal);
      const ranking = rankRootCauses(collection.series, collection.entities, windows);
      const missing = collection.records.filter((record) => record.status === 'missing');
      const findings = describeFindings(alert.labels.alertname ?? 'The alert', collection.entities.length, ranking) + describeEarlierStart(ranking, alert.startsAt);
      const gaps = missing.length ? ` Evidence missing: ${missing.map((record) => `${record.description} (${record.detail})`).join('; ')}.` : '';
      return { status: missing.length ? 'partial' : 'completed', verdict: ranking.verdict, summary: findings + gaps, hypotheses: ranking.hypotheses, evidence: collection.records };
    },
  };
}

/** One sentence on what the ranking found, or why it could not find anything. */
function describeFindings(alertName: string, entities: number, ranking: RootCauseRanking): string {
  const { windows } = ranking;
  if (entities === 0) return `${alertName}: its labels name no device, instance, host or service to examine.`;
  const entitiesExamined = `${entities} entit${entities === 1 ? 'y' : 'ies'} examined`;
  const unjudged = ranking.seriesWithoutHistory;
  // A series that went quiet around the alert (an exporter or host gone) cannot be compared either; it is news in itself.
  if (ranking.comparedSeries === 0 && ranking.seriesStopped > 0) {
    return `${alertName}: inconclusive — ${ranking.seriesStopped} series stopped reporting around the alert and none could be compared (${entitiesExamined}${unjudged ? `, ${unjudged} with too little history` : ''}): is the exporter or the host down?`;
  }
  // Series without enough baseline (a new service, a gap in collection) cannot be judged; say so.
  if (ranking.comparedSeries === 0 && unjudged > 0) {
    const minutesNeeded = (minimumBaselinePoints * windows.stepSeconds) / 60;
    const baselineHours = (windows.baseline.end.getTime() - windows.baseline.start.getTime()) / 3_600_000;
    return `${alertName}: inconclusive — too little history to judge: ${unjudged} series found, none with the ${minutesNeeded} minutes of data in the ${Math.round(baselineHours)} hours before the alert needed to tell a change from normal (${entitiesExamined}; new metrics, or a gap in collection).`;
  }
  const stopped = ranking.seriesStopped ? `, ${ranking.seriesStopped} with no data around the alert (stopped reporting?)` : '';
  const examined = `${entitiesExamined}, ${ranking.comparedSeries} series compared${unjudged ? `, ${unjudged} with too little history` : ''}${stopped}`;
  // A change that began after the alert is no cause of it; saying how many keeps a later run honest about what it set aside.
  const afterAlert = ranking.changedAfterAlert ? `, ${ranking.changedAfterAlert} changed only after the alert and not counted as causes` : '';
  const [first] = ranking.hypotheses;
  if (ranking.verdict === 'likely_cause' && first) {
    return `${alertName}: most likely ${first.entity} (${first.kind}, confidence ${first.confidence}): ${first.statement}. ${examined}${afterAlert}.`;
  }
  return `${alertName}: inconclusive — nothing stands out from normal around the alert's start (${examined}, ${ranking.changedSeries} changed${afterAlert}${first ? `; the strongest change, on ${first.entity}, is weak` : ''}).`;
}

/** When the alert's symptom began before the alert (a rule's `for:` clause), say so: the windows were moved back to it. */
function describeEarlierStart(ranking: RootCauseRanking, alertStart: Date): string {
  if (!ranking.symptomBefore) return '';
  const { entity, metric, began, capped } = ranking.symptomBefore;
  const minutes = Math.round((alertStart.getTime() - began.getTime()) / 60_000);
  const since = capped ? `${began.toISOString().slice(11, 16)} UTC or earlier, at least ${minutes} min` : `${began.toISOString().slice(11, 16)} UTC, ${minutes} min`;
  return ` ${metric} on ${entity} was already off normal from ${since} before the alert; the analysis starts there.`;
}

export type AlertDiagnoser = ReturnType<typeof createAlertDiagnoser>;
