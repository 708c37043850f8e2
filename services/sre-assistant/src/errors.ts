import type { components } from '@sre/contracts/assistant-api';

export type Problem = components['schemas']['Problem'];
export type FieldError = components['schemas']['FieldError'];

/** Every error the API reports on purpose, with its HTTP status and problem type (the contract lists the types). */
export const problemTypes = {
  validation_failed: { status: 400, type: 'urn:sre-platform:problem:validation-failed', title: 'The request is not valid' },
  malformed_body: { status: 400, type: 'urn:sre-platform:problem:malformed-body', title: 'The request body is not valid JSON' },
  unauthenticated: { status: 401, type: 'urn:sre-platform:problem:unauthenticated', title: 'Authentication required' },
  insufficient_scope: { status: 403, type: 'urn:sre-platform:problem:insufficient-scope', title: 'Insufficient scope' },
  not_found: { status: 404, type: 'urn:sre-platform:problem:not-found', title: 'Not found' },
  payload_too_large: { status: 413, type: 'urn:sre-platform:problem:payload-too-large', title: 'The request body is too large' },
  internal: { status: 500, type: 'urn:sre-platform:problem:internal', title: 'Internal server error' },
  auth_unavailable: { status: 503, type: 'urn:sre-platform:problem:auth-unavailable', title: 'Token verification is unavailable' },
} as const satisfies Record<string, { status: number; type: Problem['type']; title: string }>;

export type ErrorCode = keyof typeof problemTypes;

const realm = 'sre-assistant';

interface AppErrorOptions {
  errors?: FieldError[];
  /** The RFC 6750 `WWW-Authenticate` challenge to send with a 401 or 403. */
  challenge?: string;
  cause?: unknown;
}

/** An error the API reports to its caller as problem+json; its message becomes the problem's `detail`. */
export class AppError extends Error {
  readonly errors: FieldError[] | undefined;
  readonly challenge: string | undefined;

  constructor(readonly code: ErrorCode, detail: string, options: AppErrorOptions = {}) {
    super(detail, { cause: options.cause });
    this.name = 'AppError';
    this.errors = options.errors;
    this.challenge = options.challenge;
  }

  get status(): number {
    return problemTypes[this.code].status;
  }
}

/** The request fails validation; `errors` names each failing field. */
export const validationFailed = (errors: FieldError[]) =>
  new AppError('validation_failed', errors.length === 1 ? '1 field failed validation' : `${errors.length} fields failed validation`, { errors });

export const malformedBody = (cause?: unknown) => new AppError('malformed_body', 'The body could not be parsed as JSON.', { cause });

export const payloadTooLarge = (limitBytes: number) =>
  new AppError('payload_too_large', `request bodies are limited to ${Math.floor(limitBytes / 1024)} KiB`);

export const notFound = (detail: string) => new AppError('not_found', detail);

/**
 * No usable bearer token. RFC 6750: a request that offered no token gets a bare challenge; a
 * refused token gets `error="invalid_token"`.
 */
export const unauthenticated = (detail: string, tokenPresented: boolean) =>
  new AppError('unauthenticated', detail, {
    challenge: tokenPresented ? `Bearer realm="${realm}", error="invalid_token"` : `Bearer realm="${realm}"`,
  });

export const insufficientScope = (scope: string) =>
  new AppError('insufficient_scope', `this operation needs the scope ${scope}`, {
    challenge: `Bearer realm="${realm}", error="insufficient_scope", scope="${scope}"`,
  });

/** The issuer's signing keys could not be fetched: no token can be judged, so the caller should retry. */
export const authUnavailable = (detail: string, cause: unknown) => new AppError('auth_unavailable', detail, { cause });
