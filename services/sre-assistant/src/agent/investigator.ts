import { runAgent, type AgentEvent, type AgentLimits, type AgentOutcome, type AgentRequest } from './agent-loop';
import type { AgentMetrics } from './agent-metrics';
import type { TokenPrices } from './model/cost';
import type { LanguageModel } from './model/language-model';
import type { AgentTool } from './tools/tool';

/** Runs the agent on a question, telling `onEvent` each step. */
export type Investigator = (request: AgentRequest, signal: AbortSignal, onEvent: (event: AgentEvent) => void) => Promise<AgentOutcome>;

/** The agent with its model, tools and limits fixed, each run recorded in `metrics` when given. */
export function createInvestigator(dependencies: { model: LanguageModel; tools: readonly AgentTool[]; limits: AgentLimits; prices: TokenPrices | undefined; metrics?: AgentMetrics }): Investigator {
  const { metrics, ...agent } = dependencies;
  return async (request, signal, onEvent) => {
    const outcome = await runAgent({ ...agent, onEvent }, request, signal);
    metrics?.record(outcome);
    return outcome;
  };
}
