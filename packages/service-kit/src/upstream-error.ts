/** How a call to another service failed; retries and backoff decide on `retryable`. */
export type UpstreamFailure = 'auth' | 'rate_limited' | 'timeout' | 'client' | 'server' | 'unreachable';

const retryable: Record<UpstreamFailure, boolean> = {
  auth: false,
  rate_limited: true,
  timeout: true,
  client: false,
  server: true,
  unreachable: true,
};

export interface UpstreamErrorDetails {
  /** The HTTP status the upstream answered, when it answered. */
  status?: number;
  /** Overrides the kind's default, e.g. for an answer that breaks the upstream's contract. */
  retryable?: boolean;
  cause?: unknown;
}

/** A failed call to an upstream (another service, the token issuer, VictoriaMetrics, Grafana). */
export class UpstreamError extends Error {
  readonly status: number | undefined;
  readonly retryable: boolean;

  constructor(readonly kind: UpstreamFailure, message: string, details: UpstreamErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.name = 'UpstreamError';
    this.status = details.status;
    this.retryable = details.retryable ?? retryable[kind];
  }
}

/** Whether a call that failed this way may succeed when tried again. */
export function isRetryable(failure: UpstreamFailure): boolean {
  return retryable[failure];
}

/** The failure an HTTP error status stands for. */
export function failureForStatus(status: number): UpstreamFailure {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate_limited';
  if (status === 408 || status === 504) return 'timeout';
  return status >= 500 ? 'server' : 'client';
}

/** Classifies an error thrown by fetch (or raced against an AbortSignal.timeout): timeout or unreachable. */
export function failureForThrown(error: unknown): UpstreamFailure {
  return error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'unreachable';
}

/** Why fetch could not reach a server: the cause's code (ECONNREFUSED, ENOTFOUND…), which fetch's own "fetch failed" hides. */
export function networkReason(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
}

export interface DeadlineOptions {
  /** The call's own deadline. */
  timeoutMs: number;
  /** The caller's signal, e.g. of the task the call serves; it may end the call sooner. */
  signal: AbortSignal | undefined;
  /** Who is called and what is asked, for the message: `the control plane`, `GET /api/v1/info`. */
  upstream: string;
  request: string;
}

/**
 * Runs `call` with a signal that aborts at its own deadline or when the caller's signal does. A caller
 * that gave up (its task ran out of time) is reported as such, a 'timeout' naming the caller's deadline,
 * never as the upstream's failure; everything else `call` throws is left as it is.
 */
export async function callWithDeadline<Result>(options: DeadlineOptions, call: (deadline: AbortSignal) => Promise<Result>): Promise<Result> {
  const { timeoutMs, signal: caller, upstream, request } = options;
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    return await call(caller ? AbortSignal.any([timeout, caller]) : timeout);
  } catch (error) {
    if (caller?.aborted) throw new UpstreamError('timeout', `the caller's deadline passed before ${upstream} answered ${request}`, { cause: error });
    throw error;
  }
}
