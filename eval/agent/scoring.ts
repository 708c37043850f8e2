// Scores one agent run against its case's expectations. Only this module reads `expected`.
import type { AgentNarrative, ToolCallRecord } from '@sre/db';
import type { AgentCase } from './case';

export interface CaseScore {
  passed: boolean;
  /** Why it failed, in words; empty when it passed. */
  failures: string[];
  /** Grounded claims / all claims (summary and hypotheses); null without an answer. */
  groundingRate: number | null;
}

/** Passes when the answer names the expected root cause first (or none, when none is expected) and its grounded claims cite every required tool. */
export function scoreCase(expected: AgentCase['expected'], narrative: AgentNarrative | null, transcript: readonly ToolCallRecord[]): CaseScore {
  if (!narrative) return { passed: false, failures: ['no answer'], groundingRate: null };
  const failures: string[] = [];
  const claims = [narrative.summary, ...narrative.hypotheses];
  const grounded = claims.filter((claim) => claim.grounded);

  const [first] = narrative.hypotheses;
  if (expected.rootCause === null) {
    const confident = narrative.hypotheses.find((hypothesis) => hypothesis.confidence >= 0.5);
    if (confident) failures.push(`expected no confident cause, got ${confident.entity ?? confident.text} at ${confident.confidence}`);
  } else if (!first) {
    failures.push(`expected ${expected.rootCause} first, got no hypothesis`);
  } else if (!names(first.entity, expected.rootCause) && !names(first.text, expected.rootCause)) {
    failures.push(`expected ${expected.rootCause} first, got ${first.entity ?? first.text}`);
  } else if (!first.grounded) {
    failures.push(`the first hypothesis names ${expected.rootCause} but cites no real evidence`);
  }

  const toolOf = new Map(transcript.map((record) => [record.id, record.tool]));
  const citedTools = new Set(grounded.flatMap((claim) => claim.evidence.map((id) => toolOf.get(id))));
  for (const tool of expected.requiredEvidence) if (!citedTools.has(tool)) failures.push(`no grounded claim cites ${tool}`);

  return { passed: failures.length === 0, failures, groundingRate: grounded.length / claims.length };
}

const names = (text: string | null, entity: string) => text !== null && text.toLowerCase().includes(entity.toLowerCase());
