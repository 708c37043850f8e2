export * from './schema';
export type { AnalysisHypothesis, AnalysisVerdict, EvidenceRecord, FaultKind, HypothesisEvidence, SupportingSignal, WindowStatistics } from './analysis';
export { createDb, isDatabaseReachable, type DbOptions } from './create-db';
export { migrateToLatest, MigrationError } from './migrator';
export { containsPattern } from './like';
export { sql, type Kysely, type Transaction } from 'kysely';
