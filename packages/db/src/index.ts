export * from './schema';
export type {
  AgentNarrative,
  AgentRunFigures,
  AnalysisHypothesis,
  AnalysisVerdict,
  EvidenceRecord,
  FaultKind,
  GroundedClaim,
  HypothesisEvidence,
  SupportingSignal,
  ToolCallRecord,
  WindowStatistics,
} from './analysis';
export { createDb, isDatabaseReachable, type DbOptions } from './create-db';
export { migrateToLatest, MigrationError } from './migrator';
export { containsPattern } from './like';
export { deviceIdentityLabels } from './device-identity';
export { sql, type Kysely, type Transaction } from 'kysely';
