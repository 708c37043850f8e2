export { createLogger, type Logger } from './logger';
export { requestContext } from './request-context';
export { createHttpMetrics, type HttpMetrics } from './metrics';
export { healthRoutes, livenessHandler, readinessHandler, type ReadinessCheck } from './health';
export { serve, closeOnSignals, type RunningServer, type ServeOptions } from './serve';
export {
  UpstreamError,
  callWithDeadline,
  failureForStatus,
  failureForThrown,
  isRetryable,
  networkReason,
  type DeadlineOptions,
  type UpstreamFailure,
  type UpstreamErrorDetails,
} from './upstream-error';
export { httpUrl } from './config-schemas';
