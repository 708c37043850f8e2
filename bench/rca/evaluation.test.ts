import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluation';
import { caseRun as run, truthsOnly } from './testing/case-runs';

const data = truthsOnly('f1', 'f2', 'f3', 'f4');

describe('evaluate', () => {
  const evaluation = evaluate('dev', data, 'inject', [
    run('f1', {}),
    // Inconclusive names no cause, whatever it listed.
    run('f2', { verdict: 'inconclusive' }),
    // A failed case counts as an empty answer for every method.
    run('f3', { error: 'no samples', verdict: null, confidence: null, latencyMs: null, vmQueries: null }),
    // A code fault: in the overall figures, not in the resource faults.
    run('f4', { faultType: 'exception' }),
    run('n1', { kind: 'normal', faultType: null, verdict: 'inconclusive' }),
    run('n2', { kind: 'normal', faultType: null }),
  ], 5);

  it('scores an inconclusive or failed answer as empty, and counts the failure', () => {
    expect(evaluation.methods.assistant).toMatchObject({ cases: 4, ac1: 0.5, emptyRate: 0.5 });
    expect(evaluation.methods.baro).toMatchObject({ cases: 4, ac1: 0, ac3: 0.75, emptyRate: 0.25 });
    expect(evaluation.failedCases).toBe(1);
    expect(evaluation.inconclusiveOnFaults).toBe(0.25);
  });

  it('scores the listed leads apart, inconclusive ones included, a failed case still empty', () => {
    expect(evaluation.assistantLeads.all).toMatchObject({ cases: 4, ac1: 0.75, emptyRate: 0.25 });
    expect(evaluation.assistantLeads.resource).toMatchObject({ cases: 3, ac1: 2 / 3 });
  });

  it('reports resource faults apart from code faults, and specificity on the windows without a fault', () => {
    expect(evaluation.resourceFaults!.assistant).toMatchObject({ cases: 3, ac1: 1 / 3 });
    expect(Object.keys(evaluation.byFaultType)).toEqual(['cpu_contention', 'exception']);
    expect(evaluation.specificity).toEqual({ assistant: 0.5, baro: 0, nsigma: 0, random: 0 });
    expect(evaluation.perCase.find((entry) => entry.id === 'n1')!.truth).toBeNull();
    expect(evaluation.latencyMs).toEqual({ p50: 100, p95: 100, max: 100 });
  });

  it('scores the confidence as a probability over faults and windows without a fault, leaving failures out', () => {
    // f1, f2 and f4 rank the truth first at 0.6: 0.4² each; n1 and n2 have no cause to find: 0.6² each.
    expect(evaluation.brierScore).toBeCloseTo((3 * 0.4 ** 2 + 2 * 0.6 ** 2) / 5, 10);
  });
});
