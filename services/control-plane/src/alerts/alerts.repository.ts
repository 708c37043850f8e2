import { sql, type Database, type Kysely, type Labels } from '@sre/db';

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

/**
 * Stores occurrences keyed by (fingerprint, starts_at) in one statement. A row changes only
 * when the notification says something new, and a late "firing" never reopens a resolved
 * occurrence, so retried and reordered notifications are harmless.
 */
export async function upsertAlertOccurrences(db: Kysely<Database>, occurrences: AlertOccurrence[]): Promise<UpsertCounts> {
  if (occurrences.length === 0) return { created: 0, updated: 0, unchanged: 0 };
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
    // xmax = 0 marks a freshly inserted row; otherwise the conflict branch updated it.
    .returning(sql<boolean>`xmax = 0`.as('inserted'))
    .execute();
  const created = rows.filter((row) => row.inserted).length;
  return { created, updated: rows.length - created, unchanged: occurrences.length - rows.length };
}
