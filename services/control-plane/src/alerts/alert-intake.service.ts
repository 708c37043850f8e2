import type { Database, Kysely } from '@sre/db';
import { recordAuditEvent } from '../audit/audit.service';
import { storedEnd, type AlertmanagerWebhook } from './alerts.input';
import { upsertAlertOccurrences, type AlertOccurrence, type NewFiringOccurrence, type UpsertCounts } from './alerts.repository';

export type { NewFiringOccurrence } from './alerts.repository';

export interface IntakeResult extends UpsertCounts {
  received: number;
  /** Alerts Alertmanager left out of the notification (its max_alerts); they are not stored. */
  truncated: number;
}

export interface AlertIntakeService {
  /** Stores one Alertmanager notification durably, in one transaction with its audit entry. */
  ingest(notification: AlertmanagerWebhook, requestId: string): Promise<IntakeResult>;
}

export interface AlertIntakeOptions {
  /**
   * Told, after the batch has committed, which firing occurrences it stored for the first
   * time. Called synchronously before the answer to Alertmanager: it must return at once and
   * never throw.
   */
  onNewFiring?: (occurrences: NewFiringOccurrence[], requestId: string) => void;
}

/** Alert intake: dedupe by fingerprint and start, resolve on "resolved", audit per batch. */
export function createAlertIntakeService(db: Kysely<Database>, options: AlertIntakeOptions = {}): AlertIntakeService {
  return {
    async ingest(notification, requestId) {
      const occurrences = uniqueOccurrences(notification);
      const { newFiring, ...counts } = await db.transaction().execute(async (trx) => {
        const { newFiring, ...result } = await upsertAlertOccurrences(trx, occurrences);
        await recordAuditEvent(trx, {
          actor: { id: 'alertmanager', type: 'service' },
          action: 'alerts.received',
          target: { type: 'alert_group', id: notification.groupKey.slice(0, 200) },
          details: {
            receiver: notification.receiver,
            status: notification.status,
            alerts: notification.alerts.length,
            truncatedAlerts: notification.truncatedAlerts,
            ...result,
          },
          requestId,
        });
        return { newFiring, ...result };
      });
      if (newFiring.length > 0) options.onNewFiring?.(newFiring, requestId);
      return { received: notification.alerts.length, truncated: notification.truncatedAlerts, ...counts };
    },
  };
}

// One statement cannot touch the same row twice; within a notification the last word wins.
function uniqueOccurrences(notification: AlertmanagerWebhook): AlertOccurrence[] {
  const byKey = new Map<string, AlertOccurrence>();
  for (const alert of notification.alerts) {
    byKey.set(`${alert.fingerprint}@${new Date(alert.startsAt).toISOString()}`, {
      fingerprint: alert.fingerprint,
      status: alert.status,
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: alert.startsAt,
      endsAt: storedEnd(alert),
      generatorUrl: alert.generatorURL ?? null,
      receiver: notification.receiver,
      groupKey: notification.groupKey,
    });
  }
  return [...byKey.values()];
}
