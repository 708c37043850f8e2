import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVictoriaMetricsClient } from '@sre/victoriametrics';
import { startVictoriaMetrics, type RunningVictoriaMetrics } from '../../../../../test/victoriametrics';
import { alertStart, metricsAroundTheAlert } from '../../../test/incident';
import { refusalOf } from '../../../test/tool-calls';
import { createAlertDiagnoser } from '../../analysis/alert-diagnoser';
import { createEvidenceCollector } from '../../analysis/evidence-collector';
import { createRankRootCausesTool } from './rank-root-causes';

describe('rank_root_causes against a real VictoriaMetrics', () => {
  let victoriaMetrics: RunningVictoriaMetrics;
  let tool: ReturnType<typeof createRankRootCausesTool>;
  beforeAll(async () => {
    victoriaMetrics = await startVictoriaMetrics();
    await victoriaMetrics.importPrometheus(metricsAroundTheAlert());
    const collector = createEvidenceCollector({ metrics: createVictoriaMetricsClient({ url: victoriaMetrics.url, timeoutMs: 2_000 }), inventory: undefined });
    tool = createRankRootCausesTool(createAlertDiagnoser({ collector }));
  }, 30_000);
  afterAll(async () => {
    await victoriaMetrics?.stop();
  });

  const input = () => tool.input.parse({ labels: { instance: 'web-1:9100' }, startsAt: alertStart.toISOString() });

  it('ranks the metric that changed, as a complete result, when it has the time', async () => {
    const result = await tool.run(input(), { signal: AbortSignal.timeout(10_000), now: new Date() });
    expect(result.truncated).toBe(false);
    const content = result.content as { hypotheses: Array<Record<string, unknown>> };
    expect(content.hypotheses[0]).toMatchObject({ rank: 1, entity: 'instance=web-1:9100', metric: 'http_request_duration_seconds' });
  });

  it('fails, rather than pass part of the evidence off as the ranking, when the tool phase ends during it', async () => {
    const error = await refusalOf(tool.run(input(), { signal: AbortSignal.abort(new DOMException('the tool phase ended', 'TimeoutError')), now: new Date() }));
    expect(error.message).toBe('the ranking was cut short when the time for tools ran out; it saw only part of the evidence');
  });
});
