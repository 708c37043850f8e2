import type { ScriptedReply } from '../../services/sre-assistant/src/agent/testing/gemini-double';
import type { ScriptedStep } from './case';

/** A case's scripted step as the Gemini double's reply: a function call, a text, or the JSON answer. */
export function scriptedReplyOf(step: ScriptedStep): ScriptedReply {
  if ('call' in step) return { kind: 'content', parts: [{ functionCall: { name: step.call, args: step.args } }] };
  if ('text' in step) return { kind: 'content', parts: [{ text: step.text }] };
  return { kind: 'content', parts: [{ text: JSON.stringify(step.answer) }] };
}
