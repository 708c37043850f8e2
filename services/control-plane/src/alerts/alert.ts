import { deviceIdentityLabels, type AlertStatus, type Labels } from '@sre/db';
import type { Device } from '../devices/device';

export interface Alert {
  id: string;
  fingerprint: string;
  status: AlertStatus;
  labels: Labels;
  annotations: Labels;
  startsAt: Date;
  endsAt: Date | null;
  generatorUrl: string | null;
  receiver: string | null;
  lastSeenAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
}

export interface AlertPage {
  alerts: Alert[];
  /** Present when more alerts follow; pass it back to get them. */
  nextCursor: string | undefined;
}

export interface AlertDetail {
  alert: Alert;
  /** Every occurrence of this alert (same fingerprint), newest first, this one included. */
  occurrences: Alert[];
  relatedDevices: Device[];
}

export const alertName = (alert: Pick<Alert, 'labels'>) => alert.labels.alertname ?? '(unnamed)';
/** What an alert without a `severity` label shows as its severity, and filters by. */
export const noSeverity = 'none';
export const severityOf = (alert: Pick<Alert, 'labels'>) => alert.labels.severity ?? noSeverity;

export interface AlertListFilter {
  status?: AlertStatus;
  severity?: string;
  /** Exact label matches, all of which must hold. */
  labels: Labels;
  /** Substring of the alert name. */
  search: string;
}

/** Which alerts the history shows: those active at any point in [since, until), newest first. */
export interface AlertHistoryQuery {
  since: Date;
  until: Date;
  /** Only alerts whose identity labels (deviceIdentityLabels) name this device. */
  deviceId?: string;
  /** The exact `alertname` label. */
  alertname?: string;
  status?: AlertStatus;
  limit: number;
}

export interface AlertHistory {
  alerts: Alert[];
  /** True when more alerts matched than `limit`. */
  truncated: boolean;
}

/** Where the previous page ended: firing before resolved, then newest first. */
export interface AlertCursor {
  status: AlertStatus;
  startsAt: string;
  id: string;
}

export const encodeCursor = (alert: Pick<Alert, 'status' | 'startsAt' | 'id'>): string =>
  Buffer.from(JSON.stringify({ status: alert.status, startsAt: alert.startsAt.toISOString(), id: alert.id })).toString('base64url');

/** The cursor a client sent back, or undefined when it is not one of ours. */
export function decodeCursor(value: string | undefined): AlertCursor | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<AlertCursor>;
    const valid =
      (parsed.status === 'firing' || parsed.status === 'resolved') &&
      typeof parsed.startsAt === 'string' &&
      !Number.isNaN(Date.parse(parsed.startsAt)) &&
      typeof parsed.id === 'string' &&
      /^[0-9a-f-]{36}$/.test(parsed.id);
    return valid ? (parsed as AlertCursor) : undefined;
  } catch {
    return undefined;
  }
}

/** The device names an alert's deviceIdentityLabels may give: `instance` also without its port (`web-1:9100` names `web-1`). */
export function deviceNameCandidates(labels: Labels): string[] {
  const candidates = new Set<string>();
  for (const key of deviceIdentityLabels) {
    const value = labels[key];
    if (!value) continue;
    candidates.add(value);
    if (key === 'instance') candidates.add(value.replace(/:\d+$/, ''));
  }
  return [...candidates];
}
