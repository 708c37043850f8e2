// The benchmark's table, for a terminal.
import { methodNames, type Evaluation, type MethodName } from './evaluation';
import type { MethodScores } from './scoring';

const percent = (value: number) => `${(value * 100).toFixed(1)}`.padStart(6);
const row = (name: string, score: MethodScores) =>
  `  ${name.padEnd(10)}${percent(score.ac1)} ${percent(score.ac3)} ${percent(score.ac5)} ${percent(score.avg5)} ${percent(score.mrr)} ${percent(score.emptyRate)}`;

function section(title: string, scores: Record<MethodName, MethodScores>, leads?: MethodScores): string[] {
  const cases = scores.assistant.cases;
  return [
    `${title} (${cases} case${cases === 1 ? '' : 's'})`,
    `  ${'method'.padEnd(10)}  AC@1   AC@3   AC@5  Avg@5    MRR  empty`,
    ...methodNames.map((method) => row(method, scores[method])),
    ...(leads ? [row('(leads)', leads)] : []),
  ];
}

/** The evaluation as text: overall, resource faults, then by fault type, scenario and alert metric. */
export function formatReport(evaluation: Evaluation): string {
  const lines = [
    `bench:rca ${evaluation.format} ${evaluation.dataset} — time from ${evaluation.timeMode === 'alert' ? 'the SLI alert' : 'the fault injection'}, data to ${evaluation.minutesAfterAlert} min after it`,
    `${evaluation.cases} cases: ${evaluation.faultCases} faults, ${evaluation.normalCases} without a fault, ${evaluation.failedCases} failed (failed cases count as empty answers). Percentages.`,
    '',
    ...section('All faults', evaluation.methods, evaluation.assistantLeads.all),
  ];
  if (evaluation.resourceFaults) lines.push('', ...section('Resource faults (CPU, network)', evaluation.resourceFaults, evaluation.assistantLeads.resource ?? undefined));
  lines.push('', '(leads): the hypotheses the assistant lists, inconclusive verdicts included; its own row counts those as empty.');
  for (const [title, groups] of [
    ['fault type', evaluation.byFaultType],
    ['scenario', evaluation.byScenario],
    ['alert metric', evaluation.byAlertMetric],
  ] as const) {
    if (Object.keys(groups).length < 2) continue;
    for (const [name, scores] of Object.entries(groups)) lines.push('', ...section(`By ${title}: ${name}`, scores));
  }
  const specificity = evaluation.specificity.assistant;
  lines.push(
    '',
    `Specificity (no-fault windows answered "inconclusive"): assistant ${specificity === null ? 'n/a' : percent(specificity).trim()} %, references 0 % (they always name a cause)`,
    `Assistant inconclusive on real faults: ${evaluation.inconclusiveOnFaults === null ? 'n/a' : percent(evaluation.inconclusiveOnFaults).trim()} %`,
    `Confidence calibration (assistant, fault cases): ${evaluation.calibration.map((band) => `${band.band}: ${band.cases} cases, mean ${band.meanConfidence.toFixed(2)}, AC@1 ${percent(band.ac1).trim()} %`).join('; ')}`,
    `Brier score of the first hypothesis' confidence (cases with a hypothesis; 0 is perfect, a constant 0.5 scores 0.25): ${evaluation.brierScore?.toFixed(3) ?? 'n/a'}`,
    `Diagnosis latency (alert received → analysis stored): p50 ${evaluation.latencyMs.p50 ?? 'n/a'} ms, p95 ${evaluation.latencyMs.p95 ?? 'n/a'} ms, max ${evaluation.latencyMs.max ?? 'n/a'} ms`,
    `VictoriaMetrics queries per diagnosis: mean ${evaluation.vmQueriesPerDiagnosis.mean?.toFixed(1) ?? 'n/a'}, max ${evaluation.vmQueriesPerDiagnosis.max ?? 'n/a'}`,
  );
  const failures = evaluation.perCase.filter((run) => run.error);
  if (failures.length) lines.push('', 'Failed cases:', ...failures.map((run) => `  ${run.id}: ${run.error}`));
  return lines.join('\n');
}
