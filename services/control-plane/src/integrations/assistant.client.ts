import type { TokenSource } from '@sre/auth';
import type { components } from '@sre/contracts/assistant-api';

export type AssistantInfo = components['schemas']['ServiceInfo'];

/** Why a call to the assistant failed, and whether trying again may help. */
export type UpstreamFailure = {
  kind: 'auth' | 'rate_limited' | 'timeout' | 'client' | 'server' | 'unreachable';
  retryable: boolean;
  message: string;
};

export type AssistantResult<T> = { ok: true; value: T } | { ok: false; failure: UpstreamFailure };

export interface AssistantClient {
  /** GET /info with this service's client-credentials token: proves the M2M path end to end. */
  info(): Promise<AssistantResult<AssistantInfo>>;
}

/** The sre-assistant's API, called with a client-credentials token. */
export function createAssistantClient(options: { baseUrl: string; tokens: TokenSource; timeoutMs?: number }): AssistantClient {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return {
    async info() {
      let token: string;
      try {
        token = await options.tokens();
      } catch (error) {
        return { ok: false, failure: { kind: 'auth', retryable: true, message: `no access token for the assistant: ${errorMessage(error)}` } };
      }
      let response: Response;
      try {
        response = await fetch(`${options.baseUrl}/info`, {
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
        return {
          ok: false,
          failure: timedOut
            ? { kind: 'timeout', retryable: true, message: `the assistant did not answer within ${timeoutMs} ms` }
            : { kind: 'unreachable', retryable: true, message: `the assistant at ${options.baseUrl} is unreachable` },
        };
      }
      if (!response.ok) return { ok: false, failure: classifyStatus(response.status) };
      return { ok: true, value: (await response.json()) as AssistantInfo };
    },
  };
}

function classifyStatus(status: number): UpstreamFailure {
  if (status === 401 || status === 403) return { kind: 'auth', retryable: false, message: `the assistant refused our token (${status})` };
  if (status === 429) return { kind: 'rate_limited', retryable: true, message: 'the assistant is rate limiting us' };
  if (status >= 500) return { kind: 'server', retryable: true, message: `the assistant failed (${status})` };
  return { kind: 'client', retryable: false, message: `the assistant rejected the request (${status})` };
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
