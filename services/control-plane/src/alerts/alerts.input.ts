import { z } from 'zod';
import { decodeCursor, type AlertCursor, type AlertListFilter } from './alert';

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

const matcher = /^([a-zA-Z_][a-zA-Z0-9_]*)=(.+)$/;

/** The alert list's query string: filters, and the keyset cursor of the page to show. */
export const alertListQuery = z
  .object({
    status: z.enum(['firing', 'resolved', '']).default(''),
    severity: z.string().trim().max(64).default(''),
    // `key=value` label matchers separated by commas, e.g. `service=checkout,env=prod`.
    labels: z.string().trim().max(1_000).default(''),
    q: z.string().trim().max(200).default(''),
    after: z.string().max(500).optional(),
  })
  .transform((query): { filter: AlertListFilter; cursor: AlertCursor | undefined; text: Record<string, string> } => {
    const labels: Record<string, string> = {};
    for (const part of query.labels.split(',').map((piece) => piece.trim()).filter(Boolean)) {
      const match = matcher.exec(part);
      if (match) labels[match[1]!] = match[2]!.trim();
    }
    return {
      filter: { status: query.status || undefined, severity: query.severity || undefined, labels, search: query.q },
      cursor: decodeCursor(query.after),
      text: { status: query.status, severity: query.severity, labels: query.labels, q: query.q },
    };
  });

export const alertIdParams = z.object({ id: z.uuid() });
