// Scores a benchmark run: the only code that reads the truths.
import { percentile } from '../support';
import type { CaseTruth, Dataset, TimeMode } from './case';
import type { CaseRun } from './run-case';
import { scoreRankings, type MethodScores } from './scoring';

export const methodNames = ['assistant', 'baro', 'nsigma', 'random'] as const;
export type MethodName = (typeof methodNames)[number];
type ScoresByMethod = Record<MethodName, MethodScores>;

// Nezha's code faults show in logs and traces, not in metrics; the dataset's README asks for the
// resource faults to be reported on their own.
const codeFaultTypes = new Set(['return', 'exception']);

export interface Evaluation {
  dataset: string;
  format: Dataset['format'];
  timeMode: TimeMode;
  /** How many minutes after the alert each case's data reached: what the diagnosis and the references saw. */
  minutesAfterAlert: number;
  cases: number;
  faultCases: number;
  normalCases: number;
  failedCases: number;
  methods: ScoresByMethod;
  /** Nezha only: faults visible in metrics (CPU, network). */
  resourceFaults: ScoresByMethod | null;
  /**
   * The assistant's ranking apart from its verdict: the hypotheses it lists, which the analysis
   * shows even when it calls them inconclusive. How good its leads are, not how often it commits.
   */
  assistantLeads: { all: MethodScores; resource: MethodScores | null };
  byFaultType: Record<string, ScoresByMethod>;
  byScenario: Record<string, ScoresByMethod>;
  byAlertMetric: Record<string, ScoresByMethod>;
  /** On windows without a fault: how often each method answered "inconclusive" (references never do). */
  specificity: Record<MethodName, number | null>;
  /** Assistant only: how often it called a real fault inconclusive. */
  inconclusiveOnFaults: number | null;
  /** Assistant only: AC@1 among the answers in each confidence band, to show whether confidence means what it says. */
  calibration: Array<{ band: string; cases: number; meanConfidence: number; ac1: number }>;
  /**
   * Assistant only: the first hypothesis' confidence read as the probability that it names the
   * root cause, (confidence − 1 if it does, else 0)² averaged over every case with a hypothesis,
   * windows without a fault included (where none does). 0 is perfect; always saying 0.5 scores 0.25.
   */
  brierScore: number | null;
  latencyMs: { p50: number | null; p95: number | null; max: number | null };
  vmQueriesPerDiagnosis: { mean: number | null; max: number | null };
  perCase: Array<CaseRun & { truth: CaseTruth | null }>;
}

/** The assistant's answer as scored: an inconclusive verdict names no cause. */
const assistantAnswer = (run: CaseRun) => (run.verdict === 'likely_cause' && !run.error ? run.ranking : []);

function rankingOf(run: CaseRun, method: MethodName): string[] {
  if (method === 'assistant') return assistantAnswer(run);
  return run.error ? [] : run.references[method];
}

/** The assistant's listed hypotheses, whatever its verdict; a failed case listed nothing. */
const listedLeads = (run: CaseRun) => (run.error ? [] : run.ranking);

const scoreLeads = (runs: readonly CaseRun[], truths: ReadonlyMap<string, CaseTruth>) =>
  scoreRankings(runs.map((run) => ({ ranking: listedLeads(run), truth: truths.get(run.id)!.service })));

function scoreAll(runs: readonly CaseRun[], truths: ReadonlyMap<string, CaseTruth>): ScoresByMethod {
  const entries = (method: MethodName) => runs.map((run) => ({ ranking: rankingOf(run, method), truth: truths.get(run.id)!.service }));
  return Object.fromEntries(methodNames.map((method) => [method, scoreRankings(entries(method))])) as ScoresByMethod;
}

function scoreBy(runs: readonly CaseRun[], truths: ReadonlyMap<string, CaseTruth>, key: (run: CaseRun) => string | null): Record<string, ScoresByMethod> {
  const groups = new Map<string, CaseRun[]>();
  for (const run of runs) {
    const name = key(run);
    if (name !== null) groups.set(name, [...(groups.get(name) ?? []), run]);
  }
  return Object.fromEntries([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([name, members]) => [name, scoreAll(members, truths)]));
}

/** Every figure the benchmark reports, from the runs and the truths. */
export function evaluate(dataset: string, data: Dataset, timeMode: TimeMode, runs: readonly CaseRun[], minutesAfterAlert: number): Evaluation {
  const faults = runs.filter((run) => run.kind === 'fault' && data.truths.has(run.id));
  const normals = runs.filter((run) => run.kind === 'normal');
  const resource = faults.filter((run) => run.faultType !== null && !codeFaultTypes.has(run.faultType));
  const latencies = runs.flatMap((run) => (run.latencyMs === null ? [] : [run.latencyMs])).sort((a, b) => a - b);
  const queries = runs.flatMap((run) => (run.vmQueries === null ? [] : [run.vmQueries]));
  const answered = faults.filter((run) => run.verdict !== null && run.confidence !== null);
  const confident = [...faults, ...normals].filter((run) => !run.error && run.confidence !== null);
  const bands: Array<[string, number, number]> = [['0–0.25', 0, 0.25], ['0.25–0.5', 0.25, 0.5], ['0.5–0.75', 0.5, 0.75], ['0.75–1', 0.75, 1.01]];
  return {
    dataset,
    format: data.format,
    timeMode,
    minutesAfterAlert,
    cases: runs.length,
    faultCases: faults.length,
    normalCases: normals.length,
    failedCases: runs.filter((run) => run.error).length,
    methods: scoreAll(faults, data.truths),
    resourceFaults: data.format === 'nezha' ? scoreAll(resource, data.truths) : null,
    assistantLeads: { all: scoreLeads(faults, data.truths), resource: data.format === 'nezha' ? scoreLeads(resource, data.truths) : null },
    byFaultType: scoreBy(faults, data.truths, (run) => run.faultType),
    byScenario: scoreBy(faults, data.truths, (run) => run.scenario),
    byAlertMetric: scoreBy(faults, data.truths, (run) => run.alertMetric),
    specificity: {
      assistant: normals.length ? normals.filter((run) => !run.error && run.verdict === 'inconclusive').length / normals.length : null,
      baro: normals.length ? 0 : null,
      nsigma: normals.length ? 0 : null,
      random: normals.length ? 0 : null,
    },
    inconclusiveOnFaults: faults.length ? faults.filter((run) => run.verdict === 'inconclusive').length / faults.length : null,
    calibration: bands.map(([band, low, high]) => {
      const members = answered.filter((run) => run.confidence! >= low && run.confidence! < high);
      return {
        band,
        cases: members.length,
        meanConfidence: mean(members.map((run) => run.confidence!)),
        ac1: mean(members.map((run) => Number(run.ranking[0] === data.truths.get(run.id)!.service))),
      };
    }),
    brierScore: confident.length ? mean(confident.map((run) => (run.confidence! - Number(run.kind === 'fault' && run.ranking[0] === data.truths.get(run.id)?.service)) ** 2)) : null,
    latencyMs: { p50: latencies.length ? percentile(latencies, 0.5) : null, p95: latencies.length ? percentile(latencies, 0.95) : null, max: latencies.at(-1) ?? null },
    vmQueriesPerDiagnosis: { mean: queries.length ? mean(queries) : null, max: queries.length ? Math.max(...queries) : null },
    perCase: runs.map((run) => ({ ...run, truth: data.truths.get(run.id) ?? null })),
  };
}

function mean(values: readonly number[]): number {
  return values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : 0;
}
