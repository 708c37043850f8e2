import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationResultSet } from 'kysely/migration';
import * as initial from './migrations/0001_initial';
import * as alertAcknowledgement from './migrations/0002_alert_acknowledgement';
import * as oneAnalysisPerTask from './migrations/0003_one_analysis_per_task';
import * as analysisVerdict from './migrations/0004_analysis_verdict';
import * as agentAnswer from './migrations/0005_agent_answer';
import * as taskEvents from './migrations/0006_task_events';
import * as dropDuplicateAlertIndex from './migrations/0007_drop_duplicate_alert_index';
import * as alertInstanceHostIndex from './migrations/0008_alert_instance_host_index';

// Migrations are imported, not discovered on disk: the list is checked by the compiler and
// works the same under tsx, vitest and a bundler.
const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_alert_acknowledgement': alertAcknowledgement,
  '0003_one_analysis_per_task': oneAnalysisPerTask,
  '0004_analysis_verdict': analysisVerdict,
  '0005_agent_answer': agentAnswer,
  '0006_task_events': taskEvents,
  '0007_drop_duplicate_alert_index': dropDuplicateAlertIndex,
  '0008_alert_instance_host_index': alertInstanceHostIndex,
};

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly results: MigrationResultSet['results'],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/** Applies every pending migration; returns the names applied. Throws MigrationError on failure. */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(`migration ${failed} failed: ${String(error)}`, results, { cause: error });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
