// A recorded agent case: the question (or alert), what each tool answered when the case was
// recorded, and what a right answer must contain. The expectations are read only by the scorer.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

const recordedCall = z.object({
  /** The call matches when every field given here equals the model's argument (strings: case-insensitive substring). */
  match: z.record(z.string(), z.unknown()).default({}),
  content: z.unknown(),
  summary: z.string().min(1),
  truncated: z.boolean().default(false),
});

const scriptedReply = z.union([
  z.object({ call: z.string().min(1), args: z.record(z.string(), z.unknown()).default({}) }),
  z.object({ text: z.string() }),
  z.object({ answer: z.unknown() }),
]);

export const agentCaseSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  description: z.string().min(1),
  question: z.string().min(1),
  context: z.array(z.string()).default([]),
  /** When the case happened: tools answer as of this time. */
  now: z.iso.datetime({ offset: true }),
  tools: z.record(z.string(), z.array(recordedCall).min(1)),
  expected: z.object({
    /** The entity the answer must name first; null when the right answer is "nothing stands out". */
    rootCause: z.string().min(1).nullable(),
    /** Tools whose results the grounded claims must cite (at least one call of each). */
    requiredEvidence: z.array(z.string()).default([]),
  }),
  /** What the Gemini double answers, turn by turn, when no API key is given: a plausible run. */
  doubleScript: z.array(scriptedReply).min(1),
});

export type AgentCase = z.infer<typeof agentCaseSchema>;
export type RecordedCall = z.infer<typeof recordedCall>;
export type ScriptedStep = z.infer<typeof scriptedReply>;

/** Every `*.json` case in `directory`, sorted by id; a malformed file stops the run with its name. */
export async function readCases(directory: string): Promise<AgentCase[]> {
  const files = (await readdir(directory)).filter((name) => name.endsWith('.json')).sort();
  const cases: AgentCase[] = [];
  for (const file of files) {
    const parsed = agentCaseSchema.safeParse(JSON.parse(await readFile(path.join(directory, file), 'utf8')));
    if (!parsed.success) throw new Error(`${file}: not an agent case: ${z.prettifyError(parsed.error)}`);
    cases.push(parsed.data);
  }
  return cases;
}
