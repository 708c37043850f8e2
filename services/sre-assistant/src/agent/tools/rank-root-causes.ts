import { z } from 'zod';
import { labelNamePattern } from '@sre/victoriametrics';
import type { AlertDiagnoser, Diagnosis } from '../../analysis/alert-diagnoser';
import { isoTimeSchema } from './time-window';
import { defineTool, ToolError, type ToolResult } from './tool';

const input = z.object({
  labels: z
    .record(z.string().regex(labelNamePattern), z.string().max(500))
    .refine((labels) => Object.keys(labels).length > 0, 'name at least one label')
    .describe('Labels naming what is affected, as an alert would carry them: {"instance": "web-1:9100"}, {"service": "checkout"}, {"device": "db-1"}'),
  startsAt: isoTimeSchema.transform((time) => new Date(time)).describe('When the problem began (ISO 8601); the baseline is the three hours before'),
});

/** The deterministic root-cause ranking (ADR 0009) for an alert-like target, as a tool. */
export function createRankRootCausesTool(diagnoser: AlertDiagnoser) {
  return defineTool({
    name: 'rank_root_causes',
    description:
      'Runs the deterministic root-cause ranking: compares every metric of the labelled entity and of what it depends on (from the inventory) with its three-hour baseline, and ranks the entities whose metrics changed most. Returns a verdict (likely_cause or inconclusive) and up to five hypotheses with the exact PromQL of their evidence.',
    input,
    run: async ({ labels, startsAt }, { signal }) => {
      const diagnosis = await diagnoser.diagnose({ labels, startsAt }, signal);
      // Cut short, the diagnoser still completes, with what it could not fetch marked missing: a ranking of part of the evidence must not pass for the ranking.
      if (signal.aborted) throw new ToolError('the ranking was cut short when the time for tools ran out; it saw only part of the evidence', { cause: signal.reason });
      return rankingResult(diagnosis);
    },
  });
}

/** A diagnosis as rank_root_causes returns it; an alert task hands its own diagnosis to the agent in this form. */
export function rankingResult(diagnosis: Diagnosis): ToolResult {
  const missing = diagnosis.evidence.filter((record) => record.status === 'missing');
  return {
    content: {
      verdict: diagnosis.verdict,
      summary: diagnosis.summary,
      hypotheses: diagnosis.hypotheses.map((hypothesis) => ({
        rank: hypothesis.rank,
        entity: hypothesis.entity,
        kind: hypothesis.kind ?? null,
        confidence: hypothesis.confidence ?? null,
        metric: hypothesis.metric,
        statement: hypothesis.statement,
        query: hypothesis.evidence.query,
      })),
      missingEvidence: missing.map((record) => `${record.description}: ${record.detail ?? 'unavailable'}`),
    },
    summary: `${diagnosis.verdict}, ${diagnosis.hypotheses.length} hypothes${diagnosis.hypotheses.length === 1 ? 'is' : 'es'}${diagnosis.hypotheses[0] ? `, first ${diagnosis.hypotheses[0].entity}` : ''}${missing.length ? `; ${missing.length} evidence source(s) missing` : ''}`,
    truncated: false,
  };
}
