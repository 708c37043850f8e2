// One recorded case through the agent: the production tool declarations answering from the
// recordings, and, against the double, the case's scripted model turns.
import { runAgent, type AgentLimits, type AgentOutcome } from '../../services/sre-assistant/src/agent/agent-loop';
import type { TokenPrices } from '../../services/sre-assistant/src/agent/model/cost';
import type { LanguageModel } from '../../services/sre-assistant/src/agent/model/language-model';
import type { GeminiDouble, ScriptedReply } from '../../services/sre-assistant/src/agent/testing/gemini-double';
import type { AgentCase, ScriptedStep } from './case';
import { replayedTools } from './replayed-tools';

export interface ReplaySetting {
  model: LanguageModel;
  limits: AgentLimits;
  prices: TokenPrices | undefined;
  /** When the model is the double: it gets the case's script first. */
  double?: GeminiDouble;
}

/** Runs the agent on the case as of the case's time. */
export function replayCase(agentCase: AgentCase, { model, limits, prices, double }: ReplaySetting): Promise<AgentOutcome> {
  double?.script(...agentCase.doubleScript.map(scriptedReplyOf));
  return runAgent(
    { model, tools: replayedTools(agentCase.tools), limits, prices, clock: () => new Date(agentCase.now) },
    { question: agentCase.question, context: agentCase.context },
    AbortSignal.timeout(limits.timeoutMs + 10_000),
  );
}

/** A case's scripted step as the Gemini double's reply: a function call, a text, or the JSON answer. */
function scriptedReplyOf(step: ScriptedStep): ScriptedReply {
  if ('call' in step) return { kind: 'content', parts: [{ functionCall: { name: step.call, args: step.args } }] };
  if ('text' in step) return { kind: 'content', parts: [{ text: step.text }] };
  return { kind: 'content', parts: [{ text: JSON.stringify(step.answer) }] };
}
