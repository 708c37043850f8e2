import * as client from 'openid-client';
import { failureForStatus, failureForThrown, networkReason, UpstreamError, type UpstreamFailure } from '@sre/service-kit';

export interface TokenSourceOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes to request. */
  scope: string;
  /** RFC 8707 resource indicator, for providers that mint audience-bound JWTs from it. */
  resource?: string;
  /** Plain-http issuers are refused unless this is set (development and tests only). */
  allowInsecureRequests?: boolean;
  /** Refresh this long before expiry, so a token never expires in flight. */
  refreshMarginSeconds?: number;
  /**
   * Deadline of each request to the issuer (discovery, token). openid-client's default is 30 s;
   * callers share one request in flight, so a stalled issuer holds every caller that long.
   */
  timeoutSeconds?: number;
}

export interface TokenRequestOptions {
  /** The caller's deadline: it stops waiting when this aborts, while the shared request goes on for the others. */
  signal?: AbortSignal;
}

/**
 * An access token for the caller. Rejects with an UpstreamError naming the issuer: `auth` when
 * the issuer refuses these credentials, `unreachable`, `server` or `timeout` when it is down,
 * failing or slow (worth retrying), `client` when it answers something that is not OAuth.
 */
export type TokenSource = (options?: TokenRequestOptions) => Promise<string>;

/**
 * OAuth2 client-credentials access tokens, cached until shortly before they expire. Concurrent
 * callers share one token request.
 */
export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const { refreshMarginSeconds = 30, timeoutSeconds = 30 } = options;
  let configuration: Promise<client.Configuration> | undefined;
  let cached: { token: string; refreshAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  const discover = () => {
    configuration ??= client
      .discovery(new URL(options.issuer), options.clientId, undefined, client.ClientSecretPost(options.clientSecret), {
        execute: options.allowInsecureRequests ? [client.allowInsecureRequests] : [],
        timeout: timeoutSeconds,
      })
      .catch((error: unknown) => {
        configuration = undefined;
        throw error;
      });
    return configuration;
  };

  const requestToken = async () => {
    const parameters: Record<string, string> = { scope: options.scope };
    if (options.resource) parameters.resource = options.resource;
    try {
      const response = await client.clientCredentialsGrant(await discover(), parameters);
      const lifetime = response.expiresIn() ?? 60;
      cached = { token: response.access_token, refreshAt: Date.now() + Math.max(lifetime - refreshMarginSeconds, 1) * 1000 };
      return response.access_token;
    } catch (error) {
      throw tokenRequestFailure(error, options, timeoutSeconds);
    }
  };

  return async ({ signal } = {}) => {
    if (cached && Date.now() < cached.refreshAt) return cached.token;
    inFlight ??= requestToken().finally(() => {
      inFlight = undefined;
    });
    if (!signal) return inFlight;
    return beforeDeadline(inFlight, signal, () => new UpstreamError('timeout', `the token issuer at ${options.issuer} did not issue a token before the caller's deadline`, { cause: signal.reason }));
  };
}

// `promise`, or the rejection `late()` once `deadline` aborts: one caller giving up leaves the shared
// request running for the others. Raced even when already aborted, so that its failure is still observed.
function beforeDeadline<T>(promise: Promise<T>, deadline: AbortSignal, late: () => Error): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      const abort = () => reject(late());
      if (deadline.aborted) abort();
      else deadline.addEventListener('abort', abort, { once: true });
    }),
  ]);
}

/** Classifies a failed discovery or token request, so that callers retry what may heal and only that. */
function tokenRequestFailure(error: unknown, { issuer, clientId }: TokenSourceOptions, timeoutSeconds: number): UpstreamError {
  const status = statusOf(error);
  if (status !== undefined) {
    const oauthError = oauthErrorOf(error);
    // An OAuth error answer (invalid_client, invalid_scope, invalid_target…) means these credentials
    // will not get a token, however often they are tried; any other answer is judged by its status.
    const kind: UpstreamFailure = oauthError !== undefined && status >= 400 && status < 500 && status !== 429 ? 'auth' : failureForStatus(status);
    const detail = oauthError === undefined ? '' : ` (${oauthError})`;
    return new UpstreamError(kind, `the token issuer at ${issuer} answered the token request of ${clientId} with ${status}${detail}`, { status, cause: error });
  }
  // openid-client reports its own deadline as a ClientError; a bare TimeoutError is fetch's.
  if ((error instanceof client.ClientError && error.code === 'OAUTH_TIMEOUT') || failureForThrown(error) === 'timeout') {
    return new UpstreamError('timeout', `the token issuer at ${issuer} did not answer within ${timeoutSeconds} s`, { cause: error });
  }
  // fetch reports network failures as TypeError; openid-client passes them through.
  if (error instanceof TypeError) {
    return new UpstreamError('unreachable', `the token issuer at ${issuer} could not be reached (${networkReason(error)})`, { cause: error });
  }
  // Not OAuth at all (plain http refused, an issuer that names another issuer…): configuration, not a passing fault.
  const reason = error instanceof Error ? error.message : String(error);
  return new UpstreamError('client', `no token could be obtained from the issuer at ${issuer}: ${reason}`, { cause: error });
}

// openid-client reports an OAuth error answer as ResponseBodyError (or, with a WWW-Authenticate
// challenge, WWWAuthenticateChallengeError), and any other unexpected answer as a ClientError caused by the Response.
function statusOf(error: unknown): number | undefined {
  if (error instanceof client.ResponseBodyError || error instanceof client.WWWAuthenticateChallengeError) return error.status;
  if (error instanceof client.ClientError && error.cause instanceof Response) return error.cause.status;
  return undefined;
}

function oauthErrorOf(error: unknown): string | undefined {
  return error instanceof client.ResponseBodyError ? error.error : undefined;
}
