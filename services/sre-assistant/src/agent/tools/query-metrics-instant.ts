import { z } from 'zod';
import type { VictoriaMetricsClient } from '@sre/victoriametrics';
import type { ToolLimits } from './limits';
import { rethrowRejectedQuery } from './rejected-query';
import { countedUpTo, selectFirst } from './selection';
import { digestSeriesList, seriesHint, valueForModel } from './series-digest';
import { formatTime, isoTimeSchema } from './time-window';
import { defineTool } from './tool';

const seriesNoun = { one: 'series', many: 'series' };

/** `query_metrics_instant`: a PromQL expression evaluated at one instant, each series' value bounded to limits.maxSeries. */
export function createQueryMetricsInstantTool(metrics: Pick<VictoriaMetricsClient, 'query'>, limits: ToolLimits) {
  const input = z.object({
    query: z
      .string()
      .min(1)
      .describe(
        'PromQL expression, evaluated at one instant, e.g. `sum by (instance) (rate(http_requests_total{status=~"5.."}[5m]))`. A range selector such as `up{job="node"}[10m]` returns the raw samples of that range.',
      ),
    time: isoTimeSchema.optional().describe('When to evaluate it: ISO 8601 with an offset, e.g. 2026-03-01T14:05:00Z. Defaults to now.'),
  });

  return defineTool({
    name: 'query_metrics_instant',
    description:
      `Evaluates a PromQL expression in VictoriaMetrics at one instant and returns each series' value (at most ${limits.maxSeries} series). ` +
      'Use it for "what is it now / at the alert start"; use query_metrics_range for how it changed over time. ' +
      'If unsure of metric or label names, look them up first with find_metric_series or list_metric_labels.',
    input,
    async run({ query, time }, { signal, now }) {
      const at = time === undefined ? now : new Date(time);
      const result = await metrics.query(query, at, { maxSeries: countedUpTo, signal }).catch(rethrowRejectedQuery);
      const header = { query, time: formatTime(at) };

      switch (result.resultType) {
        case 'scalar': {
          const value = valueForModel(result.point[1]);
          return { content: { ...header, resultType: 'scalar', value }, summary: `scalar ${value} at ${header.time}`, truncated: false };
        }
        case 'vector': {
          const selection = selectFirst(result.samples, limits.maxSeries, seriesNoun, result.truncated);
          const hint = seriesHint({ empty: result.samples.length === 0, seriesLeftOut: selection.truncated, pointsLeftOut: false });
          return {
            content: { ...header, resultType: 'vector', series: selection.items.map(({ labels, point }) => ({ labels, value: valueForModel(point[1]) })), ...(hint && { hint }) },
            summary: `${selection.description} at ${header.time}`,
            truncated: selection.truncated,
          };
        }
        case 'matrix': {
          const selection = selectFirst(result.series, limits.maxSeries, seriesNoun, result.truncated);
          const { digests, pointsLeftOut, pointsDescription } = digestSeriesList(selection.items, limits.maxPointsPerSeries);
          const hint = seriesHint({ empty: result.series.length === 0, seriesLeftOut: selection.truncated, pointsLeftOut });
          return {
            content: { ...header, resultType: 'matrix', series: digests, ...(hint && { hint }) },
            summary: `${selection.description} of raw samples up to ${header.time}${pointsDescription}`,
            truncated: selection.truncated || pointsLeftOut,
          };
        }
      }
    },
  });
}
