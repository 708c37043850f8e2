import { z } from 'zod';
import { failureForStatus, failureForThrown, UpstreamError } from '@sre/service-kit';
import type { RangeQueryResult, Series, TimeRange } from './series';

export interface VictoriaMetricsClientOptions {
  /** VM_URL, e.g. http://127.0.0.1:8428 (the Prometheus-compatible API lives under /api/v1). */
  url: string;
  /** Deadline for one query. */
  timeoutMs?: number;
}

export interface RangeQueryOptions {
  /** Keep at most this many series; `truncated` says when more matched. */
  maxSeries?: number;
  /** Aborts the query early, e.g. when the task it serves times out. */
  signal?: AbortSignal;
}

export interface VictoriaMetricsClient {
  readonly url: string;
  /** `GET /api/v1/query_range`. Throws UpstreamError: `client` for a query VictoriaMetrics rejects, with its reason. */
  queryRange(query: string, range: TimeRange, options?: RangeQueryOptions): Promise<RangeQueryResult>;
}

// The Prometheus HTTP API's envelope; values are strings ("1.5", "NaN", "+Inf").
const matrixSchema = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('matrix'),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(z.tuple([z.number(), z.string()])) })),
  }),
});
const errorSchema = z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string() });

/** A client of VictoriaMetrics' Prometheus-compatible query API. */
export function createVictoriaMetricsClient(options: VictoriaMetricsClientOptions): VictoriaMetricsClient {
  const baseUrl = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 5_000;

  return {
    url: baseUrl,
    async queryRange(query, range, { maxSeries = 500, signal } = {}) {
      const parameters = new URLSearchParams({
        query,
        start: String(range.start.getTime() / 1000),
        end: String(range.end.getTime() / 1000),
        step: `${range.stepSeconds}s`,
      });
      const body = await getJson(`${baseUrl}/api/v1/query_range?${parameters}`, query, timeoutMs, signal);
      const parsed = matrixSchema.safeParse(body);
      if (!parsed.success) {
        throw new UpstreamError('server', `VictoriaMetrics answered ${query} with a body that is not a range-query result`, { retryable: false });
      }
      const matched = parsed.data.data.result;
      const series: Series[] = matched.slice(0, maxSeries).map(({ metric, values }) => ({
        labels: metric,
        points: values.map(([seconds, text]): [number, number] => [seconds, Number(text)]).filter(([, value]) => Number.isFinite(value)),
      }));
      return { query, series, truncated: matched.length > maxSeries };
    },
  };
}

async function getJson(url: string, query: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<unknown> {
  const deadline = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal: signal ? AbortSignal.any([deadline, signal]) : deadline });
  } catch (error) {
    const kind = failureForThrown(error);
    const host = new URL(url).host;
    const message =
      kind === 'timeout' ? `VictoriaMetrics at ${host} did not answer within ${timeoutMs} ms` : `VictoriaMetrics at ${host} could not be reached (${reasonOf(error)})`;
    throw new UpstreamError(kind, message, { cause: error });
  }
  const text = await response.text();
  if (response.ok) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new UpstreamError('server', 'VictoriaMetrics answered with a body that is not JSON', { status: response.status, retryable: false, cause: error });
    }
  }
  // A rejected query comes back as {status: "error", error: "..."}: its reason is what a person needs.
  const problem = errorSchema.safeParse(safeJson(text));
  const reason = problem.success ? problem.data.error : text.slice(0, 300);
  throw new UpstreamError(failureForStatus(response.status), `VictoriaMetrics answered ${response.status} to ${query}: ${reason}`, { status: response.status });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function reasonOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}
