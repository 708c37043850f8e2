import { describe, expect, it } from 'vitest';
import type { AgentNarrative, GroundedClaim, ToolCallRecord } from '@sre/db';
import { scoreCase } from './scoring';

const record = (id: string, tool: string): ToolCallRecord => ({ id, tool, arguments: {}, status: 'ok', summary: '', truncated: false, outputBytes: 2, digest: '0'.repeat(64), startedAt: '2026-03-01T00:00:00Z', durationMs: 1 });
const transcript = [record('T1', 'rank_root_causes'), record('T2', 'query_metrics_range')];
const claim = (text: string, evidence: string[]): GroundedClaim => ({ text, evidence, rejectedEvidence: [], grounded: evidence.length > 0 });
const narrative = (hypotheses: AgentNarrative['hypotheses'], summaryEvidence = ['T1', 'T2']): AgentNarrative => ({ summary: claim('summary', summaryEvidence), hypotheses, nextSteps: [] });
const hypothesis = (entity: string, confidence: number, evidence: string[]) => ({ ...claim(`${entity} is broken`, evidence), entity, confidence });

describe('scoreCase', () => {
  const expected = { rootCause: 'db-1', requiredEvidence: ['query_metrics_range'] };

  it('passes an answer naming the cause first, grounded, citing the required tool', () => {
    expect(scoreCase(expected, narrative([hypothesis('db-1', 0.8, ['T2'])]), transcript)).toEqual({ passed: true, failures: [], groundingRate: 1 });
  });

  it('fails a wrong first cause, and an ungrounded right one', () => {
    expect(scoreCase(expected, narrative([hypothesis('web-1', 0.8, ['T2']), hypothesis('db-1', 0.5, ['T2'])]), transcript).failures).toEqual(['expected db-1 first, got web-1']);
    const bare = scoreCase(expected, narrative([hypothesis('db-1', 0.8, [])]), transcript);
    expect(bare.failures).toEqual(['the first hypothesis names db-1 but cites no real evidence']);
    expect(bare.groundingRate).toBe(0.5);
  });

  it('fails when no grounded claim cites a required tool', () => {
    expect(scoreCase(expected, narrative([hypothesis('db-1', 0.8, ['T1'])], ['T1']), transcript).failures).toEqual(['no grounded claim cites query_metrics_range']);
  });

  it('expects no confident cause when none is expected, and fails without an answer', () => {
    const none = { rootCause: null, requiredEvidence: [] };
    expect(scoreCase(none, narrative([hypothesis('search', 0.3, ['T2'])]), transcript).passed).toBe(true);
    expect(scoreCase(none, narrative([hypothesis('search', 0.9, ['T2'])]), transcript).failures).toEqual(['expected no confident cause, got search at 0.9']);
    expect(scoreCase(expected, null, transcript)).toEqual({ passed: false, failures: ['no answer'], groundingRate: null });
  });
});
