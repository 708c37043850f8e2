import { UpstreamError } from '@sre/service-kit';
import { expect } from 'vitest';

/** The UpstreamError `promise` rejects with; the test fails when it resolves or rejects with anything else. */
export async function failureOf(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}
