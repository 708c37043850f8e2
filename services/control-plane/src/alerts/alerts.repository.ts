import { containsPattern, deviceIdentityLabels, sql, type AlertRow, type AlertStatus, type Database, type Kysely, type Labels } from '@sre/db';
import { noSeverity, type AlertCursor, type AlertListFilter } from './alert';

export interface AlertOccurrence {
  fingerprint: string;
  status: 'firing' | 'resolved';
  labels: Labels;
  annotations: Labels;
  startsAt: string;
  endsAt: string | null;
  generatorUrl: string | null;
  receiver: string;
  groupKey: string;
}

export interface UpsertCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/** A firing occurrence stored for the first time: not a repeat, a resolve or a late retry. */
export interface NewFiringOccurrence {
  id: string;
  /** The `severity` label, if the alert has one. */
  severity: string | null;
}

export interface UpsertResult extends UpsertCounts {
  newFiring: NewFiringOccurrence[];
}

/**
 * Stores occurrences keyed by (fingerprint, starts_at) in one statement. A row changes only
 * when the notification says something new, and a late "firing" never reopens a resolved
 * occurrence, so retried and reordered notifications are harmless.
 */
export async function upsertAlertOccurrences(db: Kysely<Database>, occurrences: AlertOccurrence[]): Promise<UpsertResult> {
  if (occurrences.length === 0) return { created: 0, updated: 0, unchanged: 0, newFiring: [] };
  const rows = await db
    .insertInto('alerts')
    .values(
      occurrences.map((occurrence) => ({
        fingerprint: occurrence.fingerprint,
        status: occurrence.status,
        labels: JSON.stringify(occurrence.labels),
        annotations: JSON.stringify(occurrence.annotations),
        starts_at: occurrence.startsAt,
        ends_at: occurrence.endsAt,
        generator_url: occurrence.generatorUrl,
        receiver: occurrence.receiver,
        group_key: occurrence.groupKey,
      })),
    )
    .onConflict((conflict) =>
      conflict
        .columns(['fingerprint', 'starts_at'])
        .doUpdateSet({
          status: sql`case when alerts.status = 'resolved' then alerts.status else excluded.status end`,
          ends_at: sql`case when alerts.status = 'resolved' then alerts.ends_at else excluded.ends_at end`,
          labels: sql`excluded.labels`,
          annotations: sql`excluded.annotations`,
          generator_url: sql`excluded.generator_url`,
          receiver: sql`excluded.receiver`,
          group_key: sql`excluded.group_key`,
          last_seen_at: sql`now()`,
        })
        .where(
          sql<boolean>`(case when alerts.status = 'resolved' then alerts.status else excluded.status end, case when alerts.status = 'resolved' then alerts.ends_at else excluded.ends_at end, excluded.labels, excluded.annotations, excluded.generator_url)
            is distinct from (alerts.status, alerts.ends_at, alerts.labels, alerts.annotations, alerts.generator_url)`,
        ),
    )
    // xmax = 0 marks a freshly inserted row; otherwise the conflict branch updated it. Of two
    // concurrent identical notifications only one inserts: the other waits on the unique key.
    .returning(['id', 'status', sql<boolean>`xmax = 0`.as('inserted'), sql<string | null>`labels ->> 'severity'`.as('severity')])
    .execute();
  const created = rows.filter((row) => row.inserted).length;
  const newFiring = rows.filter((row) => row.inserted && row.status === 'firing').map(({ id, severity }) => ({ id, severity }));
  return { created, updated: rows.length - created, unchanged: occurrences.length - rows.length, newFiring };
}

/**
 * One page of alerts, firing before resolved, newest first, continuing after `cursor`. Keyset
 * pagination, one status at a time: each part is a range scan of alerts_status_starts_at_idx,
 * so a page costs the same however deep it is (an OR across statuses would defeat the index).
 */
export async function listAlerts(db: Kysely<Database>, filter: AlertListFilter, cursor: AlertCursor | undefined, limit: number): Promise<AlertRow[]> {
  const statuses: AlertStatus[] = filter.status ? [filter.status] : ['firing', 'resolved'];
  const first = cursor ? statuses.indexOf(cursor.status) : 0;
  if (first === -1) return [];
  const rows: AlertRow[] = [];
  for (const status of statuses.slice(first)) {
    const after = cursor?.status === status ? cursor : undefined;
    rows.push(...(await listAlertsWithStatus(db, filter, status, after, limit - rows.length)));
    if (rows.length >= limit) break;
  }
  return rows;
}

function listAlertsWithStatus(db: Kysely<Database>, filter: AlertListFilter, status: AlertStatus, after: AlertCursor | undefined, limit: number) {
  let query = db.selectFrom('alerts').selectAll().where('status', '=', status);
  if (filter.severity === noSeverity) {
    // The list shows "none" for an alert without a severity label: the filter finds what the list shows.
    query = query.where((eb) => eb.or([eb(sql<string>`labels ->> 'severity'`, 'is', null), eb(sql<string>`labels ->> 'severity'`, '=', noSeverity)]));
  } else if (filter.severity) query = query.where(sql<string>`labels ->> 'severity'`, '=', filter.severity);
  if (Object.keys(filter.labels).length) query = query.where('labels', '@>', sql<Labels>`${JSON.stringify(filter.labels)}::jsonb`);
  if (filter.search) query = query.where(sql<string>`labels ->> 'alertname'`, 'ilike', containsPattern(filter.search));
  if (after) query = query.where((eb) => eb(eb.refTuple('starts_at', 'id'), '<', eb.tuple(new Date(after.startsAt), after.id)));
  return query.orderBy('starts_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export interface AlertHistoryFilter {
  since: Date;
  until: Date;
  /** Only alerts whose identity labels name the device with this name. */
  deviceName?: string;
  alertname?: string;
  status?: AlertStatus;
}

/** Alerts active at any point in [since, until) — started before until, not ended before since — newest first. */
export async function listAlertHistory(db: Kysely<Database>, filter: AlertHistoryFilter, limit: number): Promise<AlertRow[]> {
  let query = db
    .selectFrom('alerts')
    .selectAll()
    .where('starts_at', '<', filter.until)
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>=', filter.since)]));
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.alertname !== undefined) query = query.where('labels', '@>', labelMatch('alertname', filter.alertname));
  const { deviceName } = filter;
  if (deviceName !== undefined) {
    // The same rule as deviceNameCandidates: any identity label equal to the name, or an
    // `instance` that is the name once its port is taken off. Every arm has an index, so PostgreSQL
    // can OR bitmap index scans rather than read every alert: containment (@>) uses alerts_labels_idx,
    // the port-less instance alerts_instance_host_idx, whose expression this must repeat exactly.
    query = query.where((eb) =>
      eb.or([
        ...deviceIdentityLabels.map((label) => eb('labels', '@>', labelMatch(label, deviceName))),
        sql<boolean>`regexp_replace(labels ->> 'instance', ':[0-9]+$', '') = ${deviceName}`,
      ]),
    );
  }
  return query.orderBy('starts_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

const labelMatch = (name: string, value: string) => sql<Labels>`${JSON.stringify({ [name]: value })}::jsonb`;

export async function findAlertById(db: Kysely<Database>, id: string): Promise<AlertRow | undefined> {
  return db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Earlier and later occurrences of the same alert (same fingerprint), newest first. */
export async function listOccurrences(db: Kysely<Database>, fingerprint: string, limit: number): Promise<AlertRow[]> {
  return db.selectFrom('alerts').selectAll().where('fingerprint', '=', fingerprint).orderBy('starts_at', 'desc').limit(limit).execute();
}

/** Marks an occurrence acknowledged; false when it was already acknowledged (first one wins). */
export async function acknowledgeAlert(db: Kysely<Database>, id: string, userId: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('alerts')
    .set({ acknowledged_at: now, acknowledged_by: userId })
    .where('id', '=', id)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
