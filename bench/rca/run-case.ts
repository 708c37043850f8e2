// One case through the product's real path: its series into VictoriaMetrics (shifted into a
// time slot of their own), its SLI alert into the control plane's Alertmanager webhook, the
// automatic diagnosis by the assistant, and the stored analysis read back from the database.
// The reference methods then rank the very samples VictoriaMetrics holds for the slot.
import { setTimeout as sleep } from 'node:timers/promises';
import type { AnalysisHypothesis, Database, Kysely } from '@sre/db';
import { importPrometheus } from '../../test/victoriametrics';
import { postFiringAlert } from '../support';
import type { CaseGroup, RcaCase, TimeMode } from './case';
import { baro, nsigma, randomRanking } from './reference-methods';
import { exportSamples, exposition, seriesKey } from './victoriametrics-io';

/** What a diagnosis sees before the alert: three hours of history (the assistant's baseline) and a little more. */
const historySeconds = 3 * 3600 + 15 * 60;

export interface CaseRun {
  id: string;
  kind: RcaCase['kind'];
  scenario: string;
  faultType: string | null;
  alertMetric: string;
  alertFired: boolean;
  /** The assistant's answer: components, most likely first, as it listed them. */
  ranking: string[];
  /** Its hypotheses in brief, to see why it answered so. */
  hypotheses: Array<{ component: string; score: number; confidence: number | null; metric: string; kind: string | null }>;
  verdict: 'likely_cause' | 'inconclusive' | null;
  confidence: number | null;
  /** Alert received by the control plane → diagnosis task completed (both PostgreSQL clocks). */
  latencyMs: number | null;
  vmQueries: number | null;
  samplesLoaded: number;
  references: { baro: string[]; nsigma: string[]; random: string[] };
  /** Why the case could not be run to its end; its answers then count as empty. */
  error: string | null;
}

export interface CaseContext {
  db: Kysely<Database>;
  victoriaMetricsUrl: string;
  controlPlaneUrl: string;
  webhookToken: string;
  /** Device name → component, for the current group's inventory. */
  componentOf: Map<string, string>;
  /** Distinguishes this run's alerts from any earlier run's in the same database. */
  runId: string;
  /** How much of the case after the alert's start is loaded: what a diagnosis run that much later sees. */
  secondsAfterAlert: number;
}

/** Runs one case; never throws: a failure is recorded on the run. */
export async function runCase(context: CaseContext, rcaCase: RcaCase, group: CaseGroup, slot: number, mode: TimeMode): Promise<CaseRun> {
  const at = rcaCase.alert.at[mode];
  const run: CaseRun = {
    id: rcaCase.id,
    kind: rcaCase.kind,
    scenario: rcaCase.scenario,
    faultType: rcaCase.faultType,
    alertMetric: rcaCase.alertMetric,
    alertFired: rcaCase.alert.fired,
    ranking: [],
    hypotheses: [],
    verdict: null,
    confidence: null,
    latencyMs: null,
    vmQueries: null,
    samplesLoaded: 0,
    references: { baro: [], nsigma: [], random: randomRanking(group.graph.services, rcaCase.id) },
    error: null,
  };
  try {
    const { secondsAfterAlert } = context;
    // Each case gets its own stretch of the recent past, with a gap, so no case sees another's samples.
    const slotSeconds = historySeconds + secondsAfterAlert + 30 * 60;
    const from = Math.max(rcaCase.dataRange.start, at - historySeconds);
    const to = Math.min(rcaCase.dataRange.end, at + secondsAfterAlert);
    const slotEnd = Math.floor(Date.now() / 1000) - 600 - slot * slotSeconds;
    // Whole minutes: VictoriaMetrics aligns a range query of 50 steps or more to multiples of the
    // step, so the samples keep their phase against the one-minute grid they are read on and every
    // run of a case sees the same values (any other shift picks other samples).
    const shift = Math.floor((slotEnd - (at + secondsAfterAlert)) / 60) * 60;
    const { text, samples } = exposition(group.series, from, to, shift);
    run.samplesLoaded = samples;
    if (samples === 0) throw new Error('no samples around the alert time');
    // Every case writes into the past of a VictoriaMetrics whose caches are on.
    await importPrometheus(context.victoriaMetricsUrl, text, { resetRollupCache: true });

    const fingerprint = `${context.runId}${slot.toString(16).padStart(6, '0')}`;
    await postFiringAlert(context.controlPlaneUrl, context.webhookToken, { receiver: 'bench-rca', labels: rcaCase.alert.labels, startsAt: new Date((at + shift) * 1000), fingerprint });
    const outcome = await waitForAnalysis(context.db, fingerprint, 60_000);
    run.latencyMs = outcome.latencyMs;
    run.verdict = outcome.verdict;
    run.vmQueries = outcome.vmQueries;
    run.confidence = outcome.confidence;
    const componentOf = (entity: string) => context.componentOf.get(entity) ?? entity;
    run.ranking = [...new Set(outcome.hypotheses.map((hypothesis) => componentOf(hypothesis.entity)))];
    run.hypotheses = outcome.hypotheses.map((hypothesis) => ({
      component: componentOf(hypothesis.entity),
      score: hypothesis.score,
      confidence: hypothesis.confidence ?? null,
      metric: hypothesis.metric,
      kind: hypothesis.kind ?? null,
    }));
    if (outcome.error) throw new Error(`the diagnosis failed: ${outcome.error}`);

    const stored = await exportSamples(context.victoriaMetricsUrl, from + shift, to + shift, new Set(group.series.map((series) => seriesKey(series.labels))));
    run.references.baro = baro(stored, at + shift, at + shift + secondsAfterAlert);
    run.references.nsigma = nsigma(stored, at + shift, at + shift + secondsAfterAlert);
  } catch (error) {
    run.error = error instanceof Error ? error.message : String(error);
  }
  return run;
}

interface StoredOutcome {
  hypotheses: AnalysisHypothesis[];
  verdict: CaseRun['verdict'];
  confidence: number | null;
  latencyMs: number;
  vmQueries: number;
  error: string | null;
}

async function waitForAnalysis(db: Kysely<Database>, fingerprint: string, timeoutMs: number): Promise<StoredOutcome> {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    const row = await db
      .selectFrom('alerts as alert')
      .innerJoin('diagnosis_tasks as task', 'task.alert_id', 'alert.id')
      .innerJoin('ai_analyses as analysis', 'analysis.task_id', 'task.id')
      .select(['task.status', 'task.error', 'task.completed_at', 'alert.first_seen_at', 'analysis.hypotheses', 'analysis.evidence', 'analysis.verdict'])
      .where('alert.fingerprint', '=', fingerprint)
      .where('task.status', 'in', ['succeeded', 'partial', 'failed'])
      .executeTakeFirst();
    if (row) {
      return {
        hypotheses: row.hypotheses,
        verdict: row.verdict,
        confidence: row.hypotheses[0]?.confidence ?? null,
        latencyMs: row.completed_at!.getTime() - row.first_seen_at.getTime(),
        vmQueries: row.evidence.filter((record) => record.source === 'victoriametrics').length,
        error: row.status === 'failed' ? (row.error ?? 'failed') : null,
      };
    }
    if (Date.now() > deadline) throw new Error(`no finished diagnosis within ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}
