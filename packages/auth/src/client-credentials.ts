import * as client from 'openid-client';

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

export type TokenSource = () => Promise<string>;

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
    const response = await client.clientCredentialsGrant(await discover(), parameters);
    const lifetime = response.expiresIn() ?? 60;
    cached = { token: response.access_token, refreshAt: Date.now() + Math.max(lifetime - refreshMarginSeconds, 1) * 1000 };
    return response.access_token;
  };

  return async () => {
    if (cached && Date.now() < cached.refreshAt) return cached.token;
    inFlight ??= requestToken().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
