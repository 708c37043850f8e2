import { describe, expect, it } from 'vitest';
import { retryingFetch, type RetryNotice } from './retrying-fetch';

const policy = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 10, attemptTimeoutMs: 1_000 };

// Stands in for the network: it answers every request and keeps what was sent.
function network() {
  const sent: string[] = [];
  const send: typeof fetch = async (input) => {
    sent.push(String(input));
    return new Response('{}', { status: 200 });
  };
  return { sent, send };
}

describe('retryingFetch', () => {
  it('sends an attempt that has time', async () => {
    const { sent, send } = network();
    const response = await retryingFetch(policy, undefined, send)('http://gemini.test/v1/models/m:generateContent');
    expect(response.status).toBe(200);
    expect(sent).toEqual(['http://gemini.test/v1/models/m:generateContent']);
  });

  it('sends nothing when an attempt has no time, and fails as a timeout at once rather than retry', async () => {
    const { sent, send } = network();
    const retries: RetryNotice[] = [];
    const failure = await retryingFetch({ ...policy, attemptTimeoutMs: 0 }, (notice) => retries.push(notice), send)('http://gemini.test/').catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'TimeoutError' });
    expect(sent).toEqual([]);
    expect(retries).toEqual([]);
  });

  it('sends nothing for a caller that has already given up', async () => {
    const { sent, send } = network();
    const failure = await retryingFetch(policy, undefined, send)('http://gemini.test/', { signal: AbortSignal.abort() }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'AbortError' });
    expect(sent).toEqual([]);
  });
});
