/**
 * AbortSignal.timeout, except that no time at all aborts at once: AbortSignal.timeout(0) only
 * fires on a later tick, after a request started meanwhile has gone out.
 */
export function timeoutSignal(milliseconds: number): AbortSignal {
  return milliseconds > 0 ? AbortSignal.timeout(milliseconds) : AbortSignal.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
}
