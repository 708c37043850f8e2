import type { ZodError } from 'zod';

export type AppErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'csrf_rejected'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'login_failed'
  | 'upstream_unavailable';

const statusByCode: Record<AppErrorCode, number> = {
  bad_request: 400,
  validation_failed: 422,
  unauthenticated: 401,
  forbidden: 403,
  csrf_rejected: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  login_failed: 400,
  upstream_unavailable: 503,
};

/** The control plane's one error type: a closed set of codes, each with its HTTP status. */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details: { fields?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = 'AppError';
    this.status = statusByCode[code];
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} was not found`);
export const forbidden = (message = 'your role does not allow this') => new AppError('forbidden', message);
export const unauthenticated = () => new AppError('unauthenticated', 'log in to continue');
export const validationFailed = (fields: Record<string, string>) =>
  new AppError('validation_failed', 'some fields need attention', { fields });

/** Each failing field's path (dotted; `body` for the whole input) → its first message. */
export function fieldErrors(error: ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[issue.path.join('.') || 'body'] ??= issue.message;
  return fields;
}

/** The first issue as one line, prefixed by its dotted path when it has one: `hypotheses.0.rank: Invalid input`. */
export function describeFirstIssue(error: ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue?.message ?? 'unreadable'}`;
}

/** What went wrong, for logs and the audit trail, whatever was thrown. */
export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
