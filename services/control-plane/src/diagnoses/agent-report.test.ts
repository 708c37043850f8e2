import { describe, expect, it } from 'vitest';
import type { ToolCallRecord } from '@sre/db';
import { citationsOf, formatConfidence, formatCost, formatMilliseconds, isSupported, parseAgentReport, parseTaskEvent, shortDigest } from './agent-report';

const call = (id: string, status: ToolCallRecord['status'] = 'ok'): ToolCallRecord => ({
  id,
  tool: 'query_metrics_range',
  arguments: { query: 'node_load1', start: '2026-11-22T00:00:00Z' },
  status,
  summary: 'one series, 60 samples',
  truncated: false,
  outputBytes: 1234,
  digest: 'a'.repeat(64),
  startedAt: '2026-11-22T01:00:00.000Z',
  durationMs: 42,
});

const claim = (evidence: string[], rejectedEvidence: string[] = [], grounded = evidence.length > 0) => ({ text: 'load rose on db-1', evidence, rejectedEvidence, grounded });

const figures = {
  narrative: { status: 'answered', reason: null },
  model: 'gemini-2.5-flash',
  stoppedBy: 'answer',
  modelCalls: 3,
  toolCalls: 2,
  groundingRejections: 1,
  tokens: { input: 1200, output: 300, total: 1500 },
  costUsd: 0.00042,
  latencyMs: 5300,
};

describe("reading the agent's part of an analysis", () => {
  it('keeps a well-formed narrative, transcript and figures', () => {
    const narrative = { summary: claim(['T1']), hypotheses: [{ ...claim(['T2']), entity: 'db-1', confidence: 0.7 }], nextSteps: [{ action: 'check disks', rationale: 'io wait rose' }] };
    const report = parseAgentReport({ narrative, transcript: [call('T1'), call('T2')], agent: figures });
    expect(report).toEqual({ readable: true, narrative, transcript: [call('T1'), call('T2')], figures });
  });

  it('reads an analysis the agent never touched as empty, not broken', () => {
    expect(parseAgentReport({ narrative: null, transcript: [], agent: null })).toEqual({ readable: true, narrative: null, transcript: [], figures: null });
  });

  it('says where the JSON breaks the expected shape', () => {
    const broken = (columns: Partial<Record<'narrative' | 'transcript' | 'agent', unknown>>) =>
      parseAgentReport({ narrative: null, transcript: [], agent: null, ...columns });
    expect(broken({ transcript: [{ ...call('T1'), id: 'x" onmouseover="alert(1)' }] })).toEqual({ readable: false, problem: expect.stringMatching(/^transcript\.0\.id: /) });
    expect(broken({ transcript: [{ ...call('T1'), status: 'maybe' }] })).toEqual({ readable: false, problem: expect.stringMatching(/^transcript\.0\.status: /) });
    expect(broken({ agent: { ...figures, stoppedBy: 'boredom' } })).toEqual({ readable: false, problem: expect.stringMatching(/^agent\.stoppedBy: /) });
    expect(broken({ narrative: { summary: claim(['T1']), hypotheses: [{ ...claim(['T1']), entity: null, confidence: 7 }], nextSteps: [] } })).toEqual({
      readable: false,
      problem: expect.stringMatching(/^narrative\.hypotheses\.0\.confidence: /),
    });
    expect(broken({ transcript: 'T1' })).toMatchObject({ readable: false });
  });
});

describe('judging citations against the transcript', () => {
  const transcript = [call('T1'), call('T2', 'error')];

  it('supports a claim only with a successful call that is in the transcript', () => {
    const grounded = claim(['T1'], ['T2', 'T9']);
    const citations = citationsOf(grounded, transcript);
    expect(citations).toEqual([
      { id: 'T1', state: 'supports' },
      { id: 'T2', state: 'failed_call' },
      { id: 'T9', state: 'not_in_transcript' },
    ]);
    expect(isSupported(grounded, citations)).toBe(true);
  });

  it('shows as unsupported what the assistant did not ground, and what the transcript does not back', () => {
    const ungrounded = claim([], ['T9'], false);
    expect(isSupported(ungrounded, citationsOf(ungrounded, transcript))).toBe(false);
    // The assistant said grounded, but its only citation is missing from the transcript.
    const inconsistent = claim(['T7'], [], true);
    expect(citationsOf(inconsistent, transcript)).toEqual([{ id: 'T7', state: 'not_in_transcript' }]);
    expect(isSupported(inconsistent, citationsOf(inconsistent, transcript))).toBe(false);
  });

  it('lists an id cited twice once', () => {
    expect(citationsOf(claim(['T1', 'T1'], ['T1']), transcript)).toEqual([{ id: 'T1', state: 'supports' }]);
  });
});

describe('reading task events', () => {
  const row = (type: string, detail: unknown) => ({ id: '7', at: new Date('2026-11-22T01:00:00Z'), type, detail });

  it('reads thinking, tool calls and answering', () => {
    expect(parseTaskEvent(row('thinking', { step: 2 }))).toMatchObject({ id: '7', type: 'thinking', step: 2 });
    expect(parseTaskEvent(row('tool_call', call('T3')))).toMatchObject({ type: 'tool_call', call: call('T3') });
    expect(parseTaskEvent(row('answering', {}))).toMatchObject({ type: 'answering' });
  });

  it('turns an event it cannot read into an unreadable step instead of failing the panel', () => {
    expect(parseTaskEvent(row('thinking', { step: 'two' }))).toMatchObject({ type: 'unreadable', problem: expect.stringMatching(/^thinking: step: /) });
    expect(parseTaskEvent(row('tool_call', { id: 'T1' }))).toMatchObject({ type: 'unreadable', problem: expect.stringMatching(/^tool_call: /) });
    expect(parseTaskEvent(row('dreaming', {}))).toMatchObject({ type: 'unreadable', problem: 'unknown event type "dreaming"' });
  });
});

describe('formatting figures for people', () => {
  it('writes costs in cents from a dollar up, to three significant digits below, and says when the price is unknown', () => {
    expect(formatCost(0.00042)).toBe('$0.00042');
    expect(formatCost(0.0123456)).toBe('$0.0123');
    expect(formatCost(0.5)).toBe('$0.50');
    expect(formatCost(12.3456)).toBe('$12.35');
    expect(formatCost(0)).toBe('$0.00');
    expect(formatCost(null)).toBe('price unknown');
  });

  it('writes confidence, durations and digests short', () => {
    expect(formatConfidence(0.7)).toBe('70%');
    expect(formatConfidence(0.333)).toBe('33%');
    expect(formatMilliseconds(42.4)).toBe('42 ms');
    expect(formatMilliseconds(5300)).toBe('5.3 s');
    expect(shortDigest('0123456789abcdef0123')).toBe('0123456789ab');
  });
});
