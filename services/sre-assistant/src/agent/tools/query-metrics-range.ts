import { z } from 'zod';
import type { VictoriaMetricsClient } from '@sre/victoriametrics';
import type { ToolLimits } from './limits';
import { rethrowRejectedQuery } from './rejected-query';
import { countedUpTo, selectFirst } from './selection';
import { digestSeriesList, seriesHint } from './series-digest';
import { boundedWindow, formatTime, isoTimeSchema } from './time-window';
import { defineTool } from './tool';

/**
 * Points per series asked of VictoriaMetrics: enough for statistics that do not miss a spike
 * of a few minutes in a day, few enough that a thousand series stay cheap to hold.
 */
export const maxQueriedPointsPerSeries = 300;

const seriesNoun = { one: 'series', many: 'series' };

/** `query_metrics_range`: a PromQL expression over a bounded range, each series summarised and thinned to limits.maxPointsPerSeries points. */
export function createQueryMetricsRangeTool(metrics: Pick<VictoriaMetricsClient, 'queryRange'>, limits: ToolLimits) {
  const input = z.object({
    query: z.string().min(1).describe('PromQL expression, e.g. `rate(node_network_receive_bytes_total{instance="web-1:9100"}[5m])`.'),
    start: isoTimeSchema.describe('Start of the range: ISO 8601 with an offset, e.g. 2026-03-01T13:00:00Z.'),
    end: isoTimeSchema.describe(`End of the range: ISO 8601 with an offset, after start and at most ${limits.maxRangeHours} hours later.`),
    stepSeconds: z
      .number()
      .int()
      .min(1)
      .max(86_400)
      .optional()
      .describe(`Seconds between points, e.g. 60. Optional: by default, and when smaller, the step gives each series at most ${maxQueriedPointsPerSeries} points.`),
  });

  return defineTool({
    name: 'query_metrics_range',
    description:
      `Evaluates a PromQL expression in VictoriaMetrics over a time range (at most ${limits.maxRangeHours} hours) and returns, per series (at most ${limits.maxSeries}), ` +
      `its labels, summary statistics (first, last, min, max, mean) over every point, and at most ${limits.maxPointsPerSeries} evenly spaced points. ` +
      'Use it to see how something changed around an alert; use query_metrics_instant for a single moment.',
    input,
    async run({ query, start, end, stepSeconds }, { signal }) {
      const window = boundedWindow(new Date(start), new Date(end), limits.maxRangeHours);
      // A range of n steps has n + 1 points.
      const smallestStep = Math.max(1, Math.ceil((window.end.getTime() - window.start.getTime()) / 1000 / (maxQueriedPointsPerSeries - 1)));
      const step = Math.max(stepSeconds ?? smallestStep, smallestStep);
      const result = await metrics.queryRange(query, { ...window, stepSeconds: step }, { maxSeries: countedUpTo, signal }).catch(rethrowRejectedQuery);

      const selection = selectFirst(result.series, limits.maxSeries, seriesNoun, result.truncated);
      const { digests, pointsLeftOut, pointsDescription } = digestSeriesList(selection.items, limits.maxPointsPerSeries);
      const stepRaised = stepSeconds !== undefined && step > stepSeconds;
      const hint = [
        stepRaised && `The step was raised from ${stepSeconds} s to ${step} s to keep each series at ${maxQueriedPointsPerSeries} points at most.`,
        seriesHint({ empty: result.series.length === 0, seriesLeftOut: selection.truncated, pointsLeftOut }),
      ]
        .filter((part) => typeof part === 'string')
        .join(' ');
      return {
        content: { query, start: formatTime(window.start), end: formatTime(window.end), stepSeconds: step, series: digests, ...(hint && { hint }) },
        summary: `${selection.description} at a ${step} s step${pointsDescription}`,
        truncated: selection.truncated || pointsLeftOut,
      };
    },
  });
}
