import { z } from 'zod';
import { anyOf, labelNamePattern, selectorFor, type VictoriaMetricsClient } from '@sre/victoriametrics';
import type { ToolLimits } from './limits';
import { rethrowRejectedQuery } from './rejected-query';
import { countedUpTo, selectFirst } from './selection';
import { formatTime, lookupWindow, lookupWindowFields } from './time-window';
import { defineTool } from './tool';

interface LabelEquality {
  name: string;
  value: string;
}

/**
 * The selector for a metric name and label equalities, every value quoted and escaped:
 * one value of a label is an equality, several are alternatives matched literally.
 */
export function seriesSelector(metric: string | undefined, labels: readonly LabelEquality[]): string {
  const valuesByName = new Map<string, Set<string>>();
  for (const { name, value } of [...(metric === undefined ? [] : [{ name: '__name__', value: metric }]), ...labels]) {
    valuesByName.set(name, (valuesByName.get(name) ?? new Set()).add(value));
  }
  const equalities: Record<string, string> = {};
  const alternatives: string[] = [];
  for (const [name, values] of valuesByName) {
    const [only, ...others] = values;
    if (others.length === 0) equalities[name] = only!;
    else alternatives.push(anyOf(name, [...values]));
  }
  return selectorFor(equalities, alternatives);
}

/** `find_metric_series`: the label sets of the series with a metric name and/or label values in a window, bounded to limits.maxSeries. */
export function createFindMetricSeriesTool(metrics: Pick<VictoriaMetricsClient, 'series'>, limits: ToolLimits) {
  const input = z
    .object({
      metric: z.string().min(1).optional().describe('Metric name, e.g. node_cpu_seconds_total. Optional when labels are given.'),
      labels: z
        .array(
          z.object({
            name: z.string().regex(labelNamePattern).describe('Label name, e.g. instance.'),
            value: z.string().describe('Label value, matched exactly as written (not a regex), e.g. web-1:9100.'),
          }),
        )
        .max(20)
        .optional()
        .describe('Labels every series must have. Several entries for the same label name match any of their values.'),
      ...lookupWindowFields(limits.maxRangeHours),
    })
    .refine((value) => value.metric !== undefined || (value.labels?.length ?? 0) > 0, 'Give a metric name, labels, or both.');

  return defineTool({
    name: 'find_metric_series',
    description:
      `Lists the series (their full label sets, at most ${limits.maxSeries}) that have a metric name and/or given label values, to learn which metrics exist for a host or service and how they are labelled. ` +
      'Use it before writing PromQL for query_metrics_instant or query_metrics_range. VictoriaMetrics resolves the window to whole days, so series seen earlier that day may be listed.',
    input,
    async run({ metric, labels = [], start, end }, { signal, now }) {
      const window = lookupWindow({ start, end }, now, limits.maxRangeHours);
      const selector = seriesSelector(metric, labels);
      const result = await metrics.series([selector], window, { limit: countedUpTo, signal }).catch(rethrowRejectedQuery);
      const selection = selectFirst(result.series, limits.maxSeries, { one: 'series', many: 'series' }, result.truncated);
      const hint =
        result.series.length === 0
          ? 'No series matched: check the metric name and label values with list_metric_labels, or look at another window.'
          : selection.truncated
            ? 'Not every series is shown: add labels to narrow the search.'
            : undefined;
      return {
        content: { selector, start: formatTime(window.start), end: formatTime(window.end), series: selection.items, ...(hint && { hint }) },
        summary: `${selection.description} matching ${selector}`,
        truncated: selection.truncated,
      };
    },
  });
}
