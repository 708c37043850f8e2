import { z } from 'zod';
import { labelNamePattern } from '@sre/victoriametrics';
import { deviceKinds, type DeviceInput } from './device';

const maxLabels = 50;

const labelsText = z
  .string()
  .max(10_000, 'at most 10,000 characters')
  .transform((text, context) => {
    const labels: Record<string, string> = {};
    const lines = text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
    for (const [index, line] of lines.entries()) {
      const separator = line.indexOf('=');
      const key = separator === -1 ? line : line.slice(0, separator).trim();
      const value = separator === -1 ? '' : line.slice(separator + 1).trim();
      // Prometheus label names: the same labels must be usable to match alerts and series.
      if (separator === -1 || !labelNamePattern.test(key) || value.length === 0 || value.length > 200) {
        context.addIssue({ code: 'custom', message: `line ${index + 1}: write key=value, the key a Prometheus label name, the value 1–200 characters` });
        return z.NEVER;
      }
      labels[key] = value;
    }
    if (Object.keys(labels).length > maxLabels) {
      context.addIssue({ code: 'custom', message: `at most ${maxLabels} labels` });
      return z.NEVER;
    }
    return labels;
  });

/** The device form as posted (urlencoded); maps to DeviceInput. */
export const deviceForm = z
  .object({
    name: z.string().trim().min(1, 'required').max(200, 'at most 200 characters').regex(/^[\w.:-]+$/, 'letters, digits and . _ : - only'),
    kind: z.enum(deviceKinds, { message: `one of ${deviceKinds.join(', ')}` }),
    owner: z.string().trim().max(200, 'at most 200 characters').transform((owner) => owner || null),
    labels: labelsText.prefault(''),
  })
  .transform((form): DeviceInput => form);

export const deviceIdParams = z.object({ id: z.uuid('not a device id') });

export const deviceListQuery = z.object({
  q: z.string().trim().max(200).default(''),
});

