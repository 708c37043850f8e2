import { z } from 'zod';
import type { Role } from '@sre/auth';
import { describeFirstIssue } from '../errors';
import type { Analysis, DiagnosisTask } from '../diagnoses/diagnosis';
import type { TaskEventLog } from '../diagnoses/agent-report';

/**
 * The least role that may ask the assistant a question. Viewers may not: every question runs a
 * language model, and that costs money. The routes' access rule and the navigation agree on it.
 */
export const askRole: Role = 'operator';

/** The most characters a question may have (the assistant's POST /execute limit). */
export const maxQuestionLength = 2000;

/** What a question is about; every field narrows the investigation. Times are ISO 8601 in UTC. */
export interface QuestionContext {
  alertId?: string;
  deviceId?: string;
  timeRange?: { from: string; to: string };
}

/** A question as asked, ready to send to POST /execute. */
export interface QuestionInput {
  question: string;
  context: QuestionContext;
}

/** An investigation the assistant was asked for (an execute task) and what was asked. */
export interface Question {
  task: DiagnosisTask;
  /** The question and its context as the assistant stored them; unreadable if their shape is unknown here. */
  asked: { readable: true; text: string; context: QuestionContext } | { readable: false; problem: string };
}

/** Something the question names, with the name to show; `name` undefined when it no longer exists. */
export interface NamedReference {
  id: string;
  name: string | undefined;
}

/** What the answer panel shows, and all its one-second poll reads: the task's progress, then its answer. */
export interface QuestionAnswer {
  question: Question;
  /** The latest steps while the task runs; empty once it has ended (the transcript is the record). */
  events: TaskEventLog;
  analysis: Analysis | undefined;
  /** When this was read; elapsed times are measured up to it. */
  asOf: Date;
}

/** Everything the page of one question shows: the answer panel, and the alert and device the question names. */
export interface QuestionOverview extends QuestionAnswer {
  alert: NamedReference | undefined;
  device: NamedReference | undefined;
}

// The assistant stores the POST /execute body it accepted (diagnosis_tasks.request). It is
// checked here rather than trusted, but leniently: only what the page shows must be there.
const storedRequestSchema = z.object({
  question: z.string(),
  context: z
    .object({
      alertId: z.uuid().optional(),
      deviceId: z.uuid().optional(),
      timeRange: z.object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) }).optional(),
    })
    .optional(),
});

/** Reads the question an execute task stored; says what is wrong with a shape this control plane does not know. */
export function parseStoredQuestion(request: unknown): Question['asked'] {
  const parsed = storedRequestSchema.safeParse(request);
  if (!parsed.success) return { readable: false, problem: describeFirstIssue(parsed.error) };
  return { readable: true, text: parsed.data.question, context: parsed.data.context ?? {} };
}

const headlineLength = 160;

/** A question's first line, cut at a word near 160 characters, with … when anything was left out: enough to recognise it in a list. */
export function questionHeadline(text: string): string {
  const trimmed = text.trim();
  const firstLine = (trimmed.split('\n', 1)[0] ?? '').trimEnd();
  if (firstLine.length > headlineLength) return `${firstLine.slice(0, headlineLength).replace(/\s+\S*$/, '')}…`;
  return firstLine.length < trimmed.length ? `${firstLine} …` : firstLine;
}
