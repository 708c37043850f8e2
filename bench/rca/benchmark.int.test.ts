import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBenchmark } from './benchmark';
import { writeSyntheticNezha } from './testing/synthetic-datasets';


describe('bench:rca end to end: a dataset through VictoriaMetrics, the control plane and the assistant', () => {
  it('diagnoses the planted faults through the real path, runs the references on the stored samples and scores them all', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'bench-rca-test-'));
    try {
      const planted = await writeSyntheticNezha(directory);
      const evaluation = await runBenchmark({ dataset: directory, format: 'nezha', timeMode: 'inject', normalPerGroup: 1 });

      expect(evaluation).toMatchObject({ format: 'nezha', timeMode: 'inject', cases: planted.faults.length + 1, faultCases: planted.faults.length, normalCases: 1, failedCases: 0 });
      for (const fault of planted.faults) {
        const run = evaluation.perCase.find((candidate) => candidate.id === fault.caseId)!;
        expect(run).toMatchObject({ error: null, verdict: 'likely_cause', truth: fault.truth });
        // The assistant's first answer, read back from ai_analyses, is the planted service.
        expect(run.ranking[0]).toBe(fault.truth.service);
        expect(run.samplesLoaded).toBeGreaterThan(1000);
        expect(run.latencyMs).toBeGreaterThan(0);
        expect(run.vmQueries).toBe(2);
        // The references ranked the same samples, exported back from VictoriaMetrics.
        expect(run.references.baro).toContain(fault.truth.service);
        expect(run.references.nsigma).toContain(fault.truth.service);
        expect([...run.references.random].sort()).toEqual([...planted.services].sort());
      }
      expect(evaluation.methods.assistant).toMatchObject({ cases: planted.faults.length, ac1: 1, emptyRate: 0 });
      expect(evaluation.specificity.assistant).toBe(1);
      expect(evaluation.latencyMs.p95).not.toBeNull();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }, 120_000);
});
