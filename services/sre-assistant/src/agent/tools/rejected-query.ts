import { UpstreamError } from '@sre/service-kit';
import { ToolError } from './tool';

/**
 * Passes VictoriaMetrics' refusal of a call (a PromQL syntax error, an unknown function, a
 * selector without a non-empty matcher) back to the model as a ToolError, which it can fix;
 * any other failure is rethrown as it is.
 */
export function rethrowRejectedQuery(error: unknown): never {
  // VictoriaMetrics answers 422 to a query it cannot run and 400 to a malformed request.
  if (error instanceof UpstreamError && (error.status === 400 || error.status === 422)) {
    throw new ToolError(`${error.message}. Correct the query and call again.`, { cause: error });
  }
  throw error;
}
