import type { AnalysisHypothesis, AnalysisVerdict, EvidenceRecord } from '@sre/db';
import type { EvidenceCollector } from './evidence-collector';
import { rankRootCauses } from './root-cause-ranking';
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
      const alertName = alert.labels.alertname ?? 'The alert';
      const examined = `${collection.entities.length} entit${collection.entities.length === 1 ? 'y' : 'ies'} examined, ${ranking.comparedSeries} series compared`;
      const [first] = ranking.hypotheses;

      const findings =
        collection.entities.length === 0
          ? `${alertName}: its labels name no device, instance, host or service to examine.`
          : ranking.verdict === 'likely_cause' && first
            ? `${alertName}: most likely ${first.entity} (${first.kind}, confidence ${first.confidence}): ${first.statement}. ${examined}.`
            : `${alertName}: inconclusive — nothing stands out from normal around the alert's start (${examined}, ${ranking.changedSeries} changed${first ? `; the strongest change, on ${first.entity}, is weak` : ''}).`;
      const gaps = missing.length ? ` Evidence missing: ${missing.map((record) => `${record.description} (${record.detail})`).join('; ')}.` : '';
      return { status: missing.length ? 'partial' : 'completed', verdict: ranking.verdict, summary: findings + gaps, hypotheses: ranking.hypotheses, evidence: collection.records };
    },
  };
}

export type AlertDiagnoser = ReturnType<typeof createAlertDiagnoser>;
