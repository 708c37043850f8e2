// The agent's final answer and the check that keeps it honest: every claim cites the ids of
// tool calls (T1, T2, …) that support it, and the service, not the model, decides whether those
// calls exist and succeeded. A claim left with no valid evidence is kept but marked unsupported.
import { z } from 'zod';
import type { AgentNarrative, GroundedClaim, ToolCallRecord } from '@sre/db';
import { jsonSchemaOf } from './tools/tool';

const evidence = z.array(z.string().max(20)).max(20).describe('Ids of the tool calls whose results support this, e.g. ["T2", "T5"]');

/** What the model must answer with (Gemini's response schema). */
export const answerSchema = z.object({
  summary: z.object({
    text: z.string().min(1).max(2000).describe('Two or three sentences: what happened and the most likely cause'),
    evidence,
  }),
  hypotheses: z
    .array(
      z.object({
        statement: z.string().min(1).max(1000).describe('One candidate cause, stated so a person can check it'),
        entity: z.string().max(200).optional().describe('The device or service it is about, as the tools named it'),
        confidence: z.number().min(0).max(1).describe('0 to 1'),
        evidence,
      }),
    )
    .max(5)
    .describe('Candidate causes, most likely first'),
  nextSteps: z
    .array(z.object({ action: z.string().min(1).max(500), rationale: z.string().max(1000) }))
    .max(5)
    .describe('What the on-call engineer should check or do next; nothing here is done automatically'),
});

export type AgentAnswer = z.infer<typeof answerSchema>;

/** answerSchema as JSON Schema, for the model request. */
export const answerJsonSchema = jsonSchemaOf(answerSchema);

/** Checks every citation against the transcript; rejections count bad citations and claims left with none. */
export function groundAnswer(answer: AgentAnswer, transcript: readonly ToolCallRecord[]): { narrative: AgentNarrative; rejections: number } {
  const succeeded = new Set(transcript.filter((record) => record.status === 'ok').map((record) => record.id));
  let rejections = 0;
  const claim = (text: string, cited: readonly string[]): GroundedClaim => {
    const unique = [...new Set(cited.map((id) => id.trim()))];
    const valid = unique.filter((id) => succeeded.has(id));
    const rejected = unique.filter((id) => !succeeded.has(id));
    const grounded = valid.length > 0;
    rejections += rejected.length + (grounded ? 0 : 1);
    return { text, evidence: valid, rejectedEvidence: rejected, grounded };
  };
  const narrative: AgentNarrative = {
    summary: claim(answer.summary.text, answer.summary.evidence),
    hypotheses: answer.hypotheses.map((hypothesis) => ({
      ...claim(hypothesis.statement, hypothesis.evidence),
      entity: hypothesis.entity ?? null,
      confidence: hypothesis.confidence,
    })),
    nextSteps: answer.nextSteps.map(({ action, rationale }) => ({ action, rationale })),
  };
  return { narrative, rejections };
}
