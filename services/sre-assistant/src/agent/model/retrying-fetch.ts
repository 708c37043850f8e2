// Retries at the HTTP layer, where the response headers are still visible: the Gemini SDK's
// errors keep the status but drop Retry-After. Used as the SDK's `fetch`, with its own retries off.
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { timeoutSignal } from '../timeout-signal';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff; doubled per attempt, with full jitter. */
  baseDelayMs: number;
  /** No wait is longer: a server asking for more gets its answer passed on instead. */
  maxDelayMs: number;
  /** Deadline of one attempt, its response body included; a timed-out attempt is retried. */
  attemptTimeoutMs: number;
}

/** What the caller hears about each retry (for logs and metrics). */
export interface RetryNotice {
  attempt: number;
  status: number | null;
  delayMs: number;
}

// 429: rate or quota; 500/502/503/504: the service or a proxy in front of it.
const retryableStatuses: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/** A fetch that retries 429 and 5xx answers and network failures, honouring Retry-After and Gemini's RetryInfo. */
export function retryingFetch(policy: RetryPolicy, onRetry: (notice: RetryNotice) => void = () => {}, send: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= policy.maxAttempts;
      const caller = init?.signal ?? undefined;
      const signal = caller ? AbortSignal.any([caller, timeoutSignal(policy.attemptTimeoutMs)]) : timeoutSignal(policy.attemptTimeoutMs);
      // Nothing is sent without time to answer in (no attempt time, a caller already gone): that fails as the timeout or abort it is, and retrying would not change it.
      signal.throwIfAborted();
      let response: Response;
      try {
        response = await send(input, { ...init, signal });
      } catch (error) {
        // An abort is the caller's decision, not a failure to retry.
        if (last || caller?.aborted) throw error;
        await wait(backoff(policy, attempt), attempt, null);
        continue;
      }
      if (last || !retryableStatuses.has(response.status)) return response;
      const asked = await requestedDelayMs(response);
      if (asked !== undefined && asked > policy.maxDelayMs) return response;
      // This answer is dropped: release its connection before waiting.
      await response.body?.cancel();
      await wait(asked ?? backoff(policy, attempt), attempt, response.status);
    }

    async function wait(delayMs: number, attempt: number, status: number | null): Promise<void> {
      onRetry({ attempt, status, delayMs });
      await sleep(delayMs, undefined, { signal: init?.signal ?? undefined });
    }
  };
}

const backoff = (policy: RetryPolicy, attempt: number) => Math.round(Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));

/**
 * The wait the server asked for: the Retry-After header (seconds or an HTTP date), else the
 * `google.rpc.RetryInfo` detail of a Google error body (`"retryDelay": "23s"`). Reads a clone:
 * the response itself goes on unread when it is the last.
 */
async function requestedDelayMs(response: Response): Promise<number | undefined> {
  const header = response.headers.get('retry-after');
  if (header !== null) {
    const seconds = Number(header);
    if (header.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(header);
    if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  }
  const body = googleErrorSchema.safeParse(
    await response
      .clone()
      .json()
      .catch(() => undefined),
  );
  const retryInfo = body.data?.error.details?.find((detail) => detail['@type'] === 'type.googleapis.com/google.rpc.RetryInfo');
  const match = /^(\d+(?:\.\d+)?)s$/.exec(retryInfo?.retryDelay ?? '');
  return match ? Number(match[1]) * 1000 : undefined;
}

// Google's error envelope, as much of it as says how long to wait.
const googleErrorSchema = z.object({
  error: z.object({ details: z.array(z.looseObject({ '@type': z.string().optional(), retryDelay: z.string().optional() })).optional() }),
});
