import { z } from 'zod';
import { callWithDeadline, failureForStatus, failureForThrown, networkReason, UpstreamError } from '@sre/service-kit';
import {
  labelNamePattern,
  type InstantQueryResult,
  type LabelNamesResult,
  type LabelValuesResult,
  type RangeQueryResult,
  type Series,
  type SeriesListResult,
  type TimeRange,
  type TimeWindow,
} from './series';

export interface VictoriaMetricsClientOptions {
  /** VM_URL, e.g. http://127.0.0.1:8428 (the Prometheus-compatible API lives under /api/v1). */
  url: string;
  /** Deadline for one query. */
  timeoutMs?: number;
}

export interface QueryOptions {
  /** Keep at most this many series; `truncated` says when more matched. */
  maxSeries?: number;
  /** Aborts the query early, e.g. when the task it serves times out: an UpstreamError 'timeout' naming the caller's deadline. */
  signal?: AbortSignal;
}

export interface ListOptions {
  /** Return at most this many entries; `truncated` says when there were more. */
  limit?: number;
  /** Aborts the call early, e.g. when the task it serves times out: an UpstreamError 'timeout' naming the caller's deadline. */
  signal?: AbortSignal;
}

export interface LabelListOptions extends TimeWindow, ListOptions {
  /** Series selectors (`match[]`): only labels of series that match one of them. */
  match?: readonly string[];
}

export interface VictoriaMetricsClient {
  readonly url: string;
  /** `GET /api/v1/query_range`. Throws UpstreamError: `client` for a query VictoriaMetrics rejects, with its reason. */
  queryRange(query: string, range: TimeRange, options?: QueryOptions): Promise<RangeQueryResult>;
  /** `GET /api/v1/query` at `time`: a vector, a scalar, or a matrix for a range selector. Throws UpstreamError as queryRange. */
  query(query: string, time: Date, options?: QueryOptions): Promise<InstantQueryResult>;
  /** `GET /api/v1/series`: label sets of the series matching any of `matchers` in the window. Throws UpstreamError. */
  series(matchers: readonly string[], window: TimeWindow, options?: ListOptions): Promise<SeriesListResult>;
  /** `GET /api/v1/labels`: the label names in the window. Throws UpstreamError. */
  labelNames(options: LabelListOptions): Promise<LabelNamesResult>;
  /** `GET /api/v1/label/{label}/values`; throws RangeError, before any request, when `label` is not a label name. */
  labelValues(label: string, options: LabelListOptions): Promise<LabelValuesResult>;
}

// The Prometheus HTTP API's envelope; values are strings ("1.5", "NaN", "+Inf").
const successWith = <Data extends z.ZodType>(data: Data) => z.object({ status: z.literal('success'), data });
const labelsSchema = z.record(z.string(), z.string());
const sampleSchema = z.tuple([z.number(), z.string()]);
const matrixSchema = z.object({ resultType: z.literal('matrix'), result: z.array(z.object({ metric: labelsSchema, values: z.array(sampleSchema) })) });
const rangeAnswerSchema = successWith(matrixSchema);
const instantAnswerSchema = successWith(
  z.discriminatedUnion('resultType', [
    z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric: labelsSchema, value: sampleSchema })) }),
    // Prometheus answers `1 + 1` with a scalar; VictoriaMetrics with a one-sample vector.
    z.object({ resultType: z.literal('scalar'), result: sampleSchema }),
    matrixSchema,
  ]),
);
const seriesAnswerSchema = successWith(z.array(labelsSchema));
const namesAnswerSchema = successWith(z.array(z.string()));
const errorSchema = z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string() });

/** A client of VictoriaMetrics' Prometheus-compatible query API. */
export function createVictoriaMetricsClient(options: VictoriaMetricsClientOptions): VictoriaMetricsClient {
  const baseUrl = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 5_000;
  const get = (path: string, parameters: URLSearchParams, subject: string, signal: AbortSignal | undefined) =>
    getJson(`${baseUrl}${path}?${parameters}`, subject, timeoutMs, signal);

  return {
    url: baseUrl,
    async queryRange(query, range, { maxSeries = 500, signal } = {}) {
      const parameters = new URLSearchParams({ query, start: unixSeconds(range.start), end: unixSeconds(range.end), step: `${range.stepSeconds}s` });
      const body = await get('/api/v1/query_range', parameters, query, signal);
      const matched = parseAnswer(rangeAnswerSchema, body, `${query} with a body that is not a range-query result`).data.result;
      return { query, series: matched.slice(0, maxSeries).map(seriesOf), truncated: matched.length > maxSeries };
    },

    async query(query, time, { maxSeries = 500, signal } = {}) {
      const parameters = new URLSearchParams({ query, time: unixSeconds(time) });
      const body = await get('/api/v1/query', parameters, query, signal);
      const data = parseAnswer(instantAnswerSchema, body, `${query} with a body that is not an instant-query result`).data;
      switch (data.resultType) {
        case 'scalar':
          return { query, resultType: 'scalar', point: pointOf(data.result), truncated: false };
        case 'vector':
          return {
            query,
            resultType: 'vector',
            samples: data.result.slice(0, maxSeries).map(({ metric, value }) => ({ labels: metric, point: pointOf(value) })),
            truncated: data.result.length > maxSeries,
          };
        case 'matrix':
          return { query, resultType: 'matrix', series: data.result.slice(0, maxSeries).map(seriesOf), truncated: data.result.length > maxSeries };
      }
    },

    async series(matchers, window, { limit = 500, signal } = {}) {
      // Without a matcher VictoriaMetrics refuses the call; saying so here names the caller's mistake.
      if (matchers.length === 0) throw new RangeError('series() needs at least one series selector');
      const subject = `the series of ${matchers.join(', ')}`;
      const body = await get('/api/v1/series', listParameters(window, limit, matchers), subject, signal);
      const matched = parseAnswer(seriesAnswerSchema, body, `${subject} with a body that is not a series list`).data;
      return { series: matched.slice(0, limit), truncated: matched.length > limit };
    },

    async labelNames({ match = [], start, end, limit = 500, signal }) {
      const body = await get('/api/v1/labels', listParameters({ start, end }, limit, match), 'the label names', signal);
      const names = parseAnswer(namesAnswerSchema, body, 'the label names with a body that is not a list of names').data;
      return { names: names.slice(0, limit), truncated: names.length > limit };
    },

    async labelValues(label, { match = [], start, end, limit = 500, signal }) {
      // The name goes into the URL path: only a valid label name may.
      if (!labelNamePattern.test(label)) throw new RangeError(`${JSON.stringify(label)} is not a label name (letters, digits and _, not starting with a digit)`);
      const subject = `the values of label ${label}`;
      const body = await get(`/api/v1/label/${label}/values`, listParameters({ start, end }, limit, match), subject, signal);
      const values = parseAnswer(namesAnswerSchema, body, `${subject} with a body that is not a list of values`).data;
      return { label, values: values.slice(0, limit), truncated: values.length > limit };
    },
  };
}

const unixSeconds = (time: Date) => String(time.getTime() / 1000);

const pointOf = ([seconds, text]: [number, string]): [number, number] => [seconds, Number(text)];

const seriesOf = ({ metric, values }: { metric: Record<string, string>; values: Array<[number, string]> }): Series => ({
  labels: metric,
  points: values.map(pointOf).filter(([, value]) => Number.isFinite(value)),
});

// One more than the caller wants: getting it back is how we know the answer was cut.
function listParameters(window: TimeWindow, limit: number, match: readonly string[]): URLSearchParams {
  const parameters = new URLSearchParams({ start: unixSeconds(window.start), end: unixSeconds(window.end), limit: String(limit + 1) });
  for (const selector of match) parameters.append('match[]', selector);
  return parameters;
}

function parseAnswer<Answer>(schema: z.ZodType<Answer>, body: unknown, unexpected: string): Answer {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new UpstreamError('server', `VictoriaMetrics answered ${unexpected}`, { retryable: false });
  return parsed.data;
}

async function getJson(url: string, subject: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<unknown> {
  const upstream = `VictoriaMetrics at ${new URL(url).host}`;
  return callWithDeadline({ timeoutMs, signal, upstream, request: subject }, async (deadline) => {
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { headers: { accept: 'application/json' }, signal: deadline });
      text = await response.text();
    } catch (error) {
      const kind = failureForThrown(error);
      const message = kind === 'timeout' ? `${upstream} did not answer within ${timeoutMs} ms` : `${upstream} could not be reached (${networkReason(error)})`;
      throw new UpstreamError(kind, message, { cause: error });
    }
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
    throw new UpstreamError(failureForStatus(response.status), `VictoriaMetrics answered ${response.status} to ${subject}: ${reason}`, { status: response.status });
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
