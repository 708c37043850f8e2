import { z } from 'zod';

/** Bounds on one webhook request; beyond them the whole batch is refused and nothing is stored. */
export const intakeLimits = {
  bodyBytes: 2 * 1024 * 1024,
  alertsPerRequest: 1_000,
  labelsPerAlert: 64,
  labelNameLength: 128,
  labelValueLength: 4_096,
} as const;

const labelName = z.string().min(1).max(intakeLimits.labelNameLength, `label names are limited to ${intakeLimits.labelNameLength} characters`);
const labelSet = z
  .record(labelName, z.string().max(intakeLimits.labelValueLength, `label values are limited to ${intakeLimits.labelValueLength} characters`))
  .refine((labels) => Object.keys(labels).length <= intakeLimits.labelsPerAlert, `at most ${intakeLimits.labelsPerAlert} labels per alert`);

// Alertmanager sends Go's zero time for "no end" while an alert fires.
const timestamp = z.iso.datetime({ offset: true });
const zeroTime = '0001-01-01T00:00:00Z';

const webhookAlert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelSet.refine((labels) => Object.keys(labels).length > 0, 'an alert needs at least one label'),
  annotations: labelSet.default({}),
  startsAt: timestamp,
  endsAt: z.union([timestamp, z.literal(zeroTime)]).optional(),
  generatorURL: z.string().max(4_096).optional(),
  fingerprint: z.string().regex(/^[0-9a-f]{1,64}$/, 'a hexadecimal fingerprint, as Alertmanager computes it'),
});

/** Alertmanager's webhook body, payload version 4 (prometheus/alertmanager notify/webhook). */
export const alertmanagerWebhook = z.object({
  version: z.literal('4', { error: 'only payload version "4" is supported' }),
  receiver: z.string().max(512),
  status: z.enum(['firing', 'resolved']),
  groupKey: z.string().max(4_096),
  truncatedAlerts: z.number().int().min(0).default(0),
  externalURL: z.string().max(4_096).optional(),
  groupLabels: z.record(z.string(), z.string()).default({}),
  commonLabels: z.record(z.string(), z.string()).default({}),
  commonAnnotations: z.record(z.string(), z.string()).default({}),
  alerts: z
    .array(webhookAlert)
    .max(intakeLimits.alertsPerRequest, `at most ${intakeLimits.alertsPerRequest} alerts per request; lower max_alerts in the Alertmanager receiver`),
});

export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhook>;
export type WebhookAlert = AlertmanagerWebhook['alerts'][number];

/** The alert's end as stored: null while firing (Alertmanager's zero time or a future estimate). */
export function storedEnd(alert: WebhookAlert): string | null {
  if (alert.status === 'firing' || !alert.endsAt || alert.endsAt === zeroTime) return null;
  return alert.endsAt;
}
