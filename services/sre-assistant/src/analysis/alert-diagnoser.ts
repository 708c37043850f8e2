import type { AnalysisHypothesis, EvidenceRecord } from '@sre/db';
import type { EvidenceCollector } from './evidence-collector';
import { rankChanges } from './ranking';
import { analysisWindows } from './windows';

/** What the diagnoser needs of the alert: who it is about and when it began. */
export interface AlertUnderDiagnosis {
  labels: Record<string, string>;
  startsAt: Date;
}

export interface Diagnosis {
  /** `partial` when some evidence could not be had; the records say which. */
  status: 'completed' | 'partial';
  summary: string;
  hypotheses: AnalysisHypothesis[];
  evidence: EvidenceRecord[];
}

/** The deterministic first diagnosis: which metrics of the alert's entities changed most when it began. */
export function createAlertDiagnoser(dependencies: { collector: EvidenceCollector; now?: () => Date }) {
  const { collector, now = () => new Date() } = dependencies;
  return {
    /** Never throws for an upstream failure; it completes as `partial` and says what is missing. */
    async diagnose(alert: AlertUnderDiagnosis, signal: AbortSignal): Promise<Diagnosis> {
      const windows = analysisWindows(alert.startsAt, now());
      const collection = await collector.collect(alert.labels, windows, signal);
      const { hypotheses, comparedSeries } = rankChanges(collection.series, windows);
      const missing = collection.records.filter((record) => record.status === 'missing');
      const alertName = alert.labels.alertname ?? 'The alert';
      const entities = collection.entities.map((entity) => entity.name).join(', ');

      const findings =
        collection.entities.length === 0
          ? `${alertName}: its labels name no device, instance, host or service to examine.`
          : hypotheses.length > 0
            ? `${alertName} on ${entities}: most likely ${hypotheses[0]!.statement}.${hypotheses.length > 1 ? ` ${hypotheses.length - 1} other notable change${hypotheses.length > 2 ? 's' : ''}.` : ''}`
            : `${alertName} on ${entities}: no metric changed notably around the alert's start (${comparedSeries} series compared).`;
      const gaps = missing.length ? ` Evidence missing: ${missing.map((record) => `${record.description} (${record.detail})`).join('; ')}.` : '';
      return { status: missing.length ? 'partial' : 'completed', summary: findings + gaps, hypotheses, evidence: collection.records };
    },
  };
}

export type AlertDiagnoser = ReturnType<typeof createAlertDiagnoser>;
