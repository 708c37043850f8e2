import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { AgentNarrative, AgentRunFigures, AnalysisHypothesis, AnalysisVerdict, EvidenceRecord, ToolCallRecord } from './analysis';

/** A timestamptz column: read as Date, written as Date or ISO string, defaulted by the database. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | T, string | T>;

export type Labels = Record<string, string>;
export type Role = 'viewer' | 'operator' | 'admin';
export type DeviceKind = 'host' | 'service' | 'database' | 'network' | 'other';
export type AlertStatus = 'firing' | 'resolved';
export type TaskKind = 'alert' | 'execute';
export type TaskStatus = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed';
export type AnalysisStatus = 'running' | 'completed' | 'partial' | 'failed';
export type ActorType = 'user' | 'service' | 'system';

export interface UsersTable {
  id: Generated<string>;
  issuer: string;
  subject: string;
  name: string | null;
  email: string | null;
  roles: ColumnType<Role[], Role[] | undefined, Role[]>;
  created_at: Timestamp;
  last_login_at: NullableTimestamp;
}

export interface SessionsTable {
  id: string;
  user_id: string | null;
  data: Json<Record<string, unknown>>;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

export interface DevicesTable {
  id: Generated<string>;
  name: string;
  kind: DeviceKind;
  labels: Json<Labels>;
  owner: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DeviceDependenciesTable {
  from_device_id: string;
  to_device_id: string;
  created_at: Timestamp;
}

export interface AlertsTable {
  id: Generated<string>;
  fingerprint: string;
  status: AlertStatus;
  labels: Json<Labels>;
  annotations: ColumnType<Labels, string | Labels | undefined, string | Labels>;
  starts_at: ColumnType<Date, Date | string, Date | string>;
  ends_at: NullableTimestamp;
  generator_url: string | null;
  receiver: string | null;
  group_key: string | null;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
  acknowledged_at: NullableTimestamp;
  acknowledged_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface DiagnosisTasksTable {
  id: Generated<string>;
  kind: TaskKind;
  status: ColumnType<TaskStatus, TaskStatus | undefined, TaskStatus>;
  request: Json<Record<string, unknown>>;
  alert_id: string | null;
  requested_by: string;
  attempts: ColumnType<number, number | undefined, number>;
  error: string | null;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  completed_at: NullableTimestamp;
}

export interface AiAnalysesTable {
  id: Generated<string>;
  task_id: string;
  alert_id: string | null;
  kind: string;
  status: AnalysisStatus;
  summary: string | null;
  hypotheses: Json<AnalysisHypothesis[]>;
  evidence: Json<EvidenceRecord[]>;
  engine: string;
  verdict: ColumnType<AnalysisVerdict | null, AnalysisVerdict | null | undefined, AnalysisVerdict | null>;
  model: string | null;
  tokens_in: number | null;
  tokens_out: number | null;
  /** numeric: pg returns it as a string to keep precision. */
  cost_usd: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  /** The agent's grounded answer; null when no model answered (see `agent.narrative`). */
  narrative: ColumnType<AgentNarrative | null, string | null | undefined, string | null>;
  /** Every tool call the agent made, in order: what each claim's evidence ids point at. */
  transcript: ColumnType<ToolCallRecord[], string | undefined, string>;
  agent: ColumnType<AgentRunFigures | null, string | null | undefined, string | null>;
  started_at: Timestamp;
  completed_at: NullableTimestamp;
  error: string | null;
}

/** One step of a running task, for live progress: `detail` is a ToolCallRecord for `tool_call`, `{ step }` for `thinking`. */
export interface TaskEventsTable {
  id: Generated<string>;
  task_id: string;
  at: Generated<Date>;
  type: TaskEventType;
  detail: ColumnType<TaskEventDetail, string, string>;
}

export type TaskEventType = 'thinking' | 'tool_call' | 'answering';
export type TaskEventDetail = ToolCallRecord | { step: number } | Record<string, never>;

export interface AuditLogTable {
  id: Generated<string>;
  at: Timestamp;
  actor: string;
  actor_type: ActorType;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: Json<Record<string, unknown>>;
  request_id: string | null;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  devices: DevicesTable;
  device_dependencies: DeviceDependenciesTable;
  alerts: AlertsTable;
  diagnosis_tasks: DiagnosisTasksTable;
  ai_analyses: AiAnalysesTable;
  task_events: TaskEventsTable;
  audit_log: AuditLogTable;
}

export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type DeviceRow = Selectable<DevicesTable>;
export type NewDevice = Insertable<DevicesTable>;
export type DeviceUpdate = Updateable<DevicesTable>;
export type AlertRow = Selectable<AlertsTable>;
export type DiagnosisTaskRow = Selectable<DiagnosisTasksTable>;
export type AiAnalysisRow = Selectable<AiAnalysesTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type TaskEventRow = Selectable<TaskEventsTable>;
export type NewAuditLogEntry = Insertable<AuditLogTable>;
