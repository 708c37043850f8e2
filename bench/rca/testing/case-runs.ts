// Case runs and truths for scoring tests: every named case's true service is `a`, and a run
// ranks `a` first unless told otherwise.
import type { Dataset } from '../case';
import type { CaseRun } from '../run-case';

/** A Nezha-format dataset holding only the truths of the given fault cases. */
export const truthsOnly = (...ids: string[]): Dataset => ({
  format: 'nezha',
  groups: new Map(),
  cases: [],
  truths: new Map(ids.map((id) => [id, { service: 'a', indicator: null }])),
});

export const caseRun = (id: string, overrides: Partial<CaseRun>): CaseRun => ({
  id,
  kind: 'fault',
  scenario: 'day-1',
  faultType: 'cpu_contention',
  alertMetric: 'latency',
  alertFired: true,
  ranking: ['a', 'b'],
  hypotheses: [],
  verdict: 'likely_cause',
  confidence: 0.6,
  latencyMs: 100,
  vmQueries: 2,
  samplesLoaded: 10,
  references: { baro: ['b', 'a'], nsigma: ['a'], random: ['b', 'a'] },
  error: null,
  ...overrides,
});
