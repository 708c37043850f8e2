// Prometheus metrics of the agent, per model: what it costs, how it ends, how often its answers
// cite nothing real. Recorded once per run from the run's figures and transcript; results given
// with the question are in the transcript but were no call of the model's, and are not counted.
import { Counter, Histogram, type Registry } from 'prom-client';
import type { AgentOutcome } from './agent-loop';

export interface AgentMetrics {
  record(outcome: AgentOutcome): void;
}

/** Registers the agent's metrics on `registry` (the service's /metrics); calls of any tool not in `toolNames` count as `unknown`. */
export function createAgentMetrics(registry: Registry, toolNames: readonly string[]): AgentMetrics {
  // The model may name any tool; only real ones become label values.
  const known = new Set(toolNames);
  const registers = [registry];
  const runs = new Counter({
    name: 'agent_runs_total',
    help: 'Agent runs by model, whether a grounded narrative came out, and why the tool loop ended.',
    labelNames: ['model', 'narrative', 'stopped_by'],
    registers,
  });
  const tokens = new Counter({ name: 'agent_tokens_total', help: 'Tokens used by the agent, by model and direction (input, output incl. thinking).', labelNames: ['model', 'direction'], registers });
  const cost = new Counter({ name: 'agent_cost_usd_total', help: 'Estimated cost of the agent in US dollars, by model (runs with an unknown price are not counted).', labelNames: ['model'], registers });
  const modelCalls = new Counter({ name: 'agent_model_calls_total', help: 'Model calls made by the agent, by model.', labelNames: ['model'], registers });
  const toolCalls = new Counter({ name: 'agent_tool_calls_total', help: 'Tool calls the model made, by tool and status (ok, error, refused).', labelNames: ['tool', 'status'], registers });
  const rejections = new Counter({
    name: 'agent_grounding_rejections_total',
    help: 'Citations of the agent that pointed at no successful tool call, plus claims left with no evidence, by model.',
    labelNames: ['model'],
    registers,
  });
  const duration = new Histogram({
    name: 'agent_run_duration_seconds',
    help: 'Wall-clock duration of agent runs, by model.',
    labelNames: ['model'],
    buckets: [1, 2.5, 5, 10, 20, 30, 45, 60, 120],
    registers,
  });

  return {
    record({ figures, transcript, givenRecords }) {
      const model = figures.model ?? 'none';
      runs.inc({ model, narrative: figures.narrative.status, stopped_by: figures.stoppedBy });
      tokens.inc({ model, direction: 'input' }, figures.tokens.input);
      tokens.inc({ model, direction: 'output' }, figures.tokens.output);
      if (figures.costUsd !== null) cost.inc({ model }, figures.costUsd);
      modelCalls.inc({ model }, figures.modelCalls);
      for (const call of transcript.slice(givenRecords)) toolCalls.inc({ tool: known.has(call.tool) ? call.tool : 'unknown', status: call.status });
      rejections.inc({ model }, figures.groundingRejections);
      duration.observe({ model }, figures.latencyMs / 1000);
    },
  };
}
