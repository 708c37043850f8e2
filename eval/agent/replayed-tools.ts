// The production tools as the model sees them (names, descriptions, argument schemas), answering
// from a case's recordings instead of live systems. Their clients are never called.
import { createVictoriaMetricsClient } from '@sre/victoriametrics';
import { createAlertDiagnoser } from '../../services/sre-assistant/src/analysis/alert-diagnoser';
import { createEvidenceCollector } from '../../services/sre-assistant/src/analysis/evidence-collector';
import { createGrafanaClient } from '../../services/sre-assistant/src/integrations/grafana.client';
import { defaultToolLimits } from '../../services/sre-assistant/src/agent/tools/limits';
import { createToolRegistry } from '../../services/sre-assistant/src/agent/tools/registry';
import { ToolError, type AgentTool } from '../../services/sre-assistant/src/agent/tools/tool';
import type { AgentCase, RecordedCall } from './case';

const neverCalled = () => Promise.reject(new Error('a replayed tool reached its live client'));

/** The production tool set, each answering from `recordings`; a call nothing was recorded for is a tool error. */
export function replayedTools(recordings: AgentCase['tools']): AgentTool[] {
  const tools = createToolRegistry({
    metrics: createVictoriaMetricsClient({ url: 'http://127.0.0.1:9' }),
    inventory: { listDevices: neverCalled, getDevice: neverCalled, listAlerts: neverCalled, listAuditEntries: neverCalled },
    grafana: createGrafanaClient({ url: 'http://127.0.0.1:9', token: undefined }),
    diagnoser: createAlertDiagnoser({ collector: createEvidenceCollector({ metrics: undefined, inventory: undefined }) }),
    limits: defaultToolLimits,
  });
  return tools.map((tool) => ({
    ...tool,
    run: async (input: unknown) => {
      const recorded = (recordings[tool.name] ?? []).find((candidate) => matches(candidate, input));
      if (!recorded) throw new ToolError(`nothing was recorded for ${tool.name} with these arguments in this case`);
      return { content: recorded.content, summary: recorded.summary, truncated: recorded.truncated };
    },
  }));
}

function matches(recorded: RecordedCall, input: unknown): boolean {
  const given = (input ?? {}) as Record<string, unknown>;
  return Object.entries(recorded.match).every(([name, expected]) => {
    const actual = given[name];
    if (typeof expected === 'string' && typeof actual === 'string') return actual.toLowerCase().includes(expected.toLowerCase());
    return JSON.stringify(actual) === JSON.stringify(expected);
  });
}
