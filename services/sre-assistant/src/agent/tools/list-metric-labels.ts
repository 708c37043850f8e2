import { z } from 'zod';
import { labelNamePattern, selectorFor, type VictoriaMetricsClient } from '@sre/victoriametrics';
import type { ToolLimits } from './limits';
import { rethrowRejectedQuery } from './rejected-query';
import { countedUpTo, selectFirst } from './selection';
import { formatTime, lookupWindow, lookupWindowFields } from './time-window';
import { defineTool } from './tool';

/** `list_metric_labels`: the label names in VictoriaMetrics, or the values of one label, optionally of one metric, bounded to limits.maxItems. */
export function createListMetricLabelsTool(metrics: Pick<VictoriaMetricsClient, 'labelNames' | 'labelValues'>, limits: ToolLimits) {
  const input = z.object({
    label: z
      .string()
      .regex(labelNamePattern)
      .optional()
      .describe('A label name, e.g. instance, or __name__ for metric names. Given: its values are listed. Omitted: the label names are listed.'),
    metric: z.string().min(1).optional().describe('Only labels of this metric, e.g. node_load1. Optional.'),
    ...lookupWindowFields(limits.maxRangeHours),
  });

  return defineTool({
    name: 'list_metric_labels',
    description:
      `Lists label names, or the values of one label (at most ${limits.maxItems}), optionally only for one metric. ` +
      'Use it to discover what exists before querying: label __name__ lists metric names; label instance with a metric lists the hosts that report it.',
    input,
    async run({ label, metric, start, end }, { signal, now }) {
      const window = lookupWindow({ start, end }, now, limits.maxRangeHours);
      const match = metric === undefined ? [] : [selectorFor({ __name__: metric })];
      const options = { ...window, match, limit: countedUpTo, signal };
      const { entries, truncated } = await (
        label === undefined
          ? metrics.labelNames(options).then((answer) => ({ entries: answer.names, truncated: answer.truncated }))
          : metrics.labelValues(label, options).then((answer) => ({ entries: answer.values, truncated: answer.truncated }))
      ).catch(rethrowRejectedQuery);
      const noun = label === undefined ? { one: 'label name', many: 'label names' } : { one: `value of label ${label}`, many: `values of label ${label}` };
      const selection = selectFirst(entries, limits.maxItems, noun, truncated);
      const hint =
        entries.length === 0
          ? `Nothing found${metric === undefined ? '' : ` for metric ${metric}`}: check the names with list_metric_labels without a metric, or look at another window.`
          : selection.truncated
            ? `Not every entry is shown: ${metric === undefined ? 'give a metric to narrow the list' : 'find_metric_series with labels narrows further'}.`
            : undefined;
      return {
        content: {
          ...(metric === undefined ? {} : { metric }),
          start: formatTime(window.start),
          end: formatTime(window.end),
          ...(label === undefined ? { labelNames: selection.items } : { label, values: selection.items }),
          ...(hint && { hint }),
        },
        summary: `${selection.description}${metric === undefined ? '' : ` of ${metric}`}`,
        truncated: selection.truncated,
      };
    },
  });
}
