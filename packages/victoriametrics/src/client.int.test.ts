import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '@sre/service-kit';
import { failureOf } from '../../../test/upstream-failure';
import { startVictoriaMetrics, type RunningVictoriaMetrics } from '../../../test/victoriametrics';
import { createVictoriaMetricsClient, type VictoriaMetricsClient } from './client';
import { selectorFor } from './series';

const stepMs = 15_000;
// Whole seconds, so that sample times come back exactly as imported; a minute back, because
// VictoriaMetrics hides the newest second (-search.latencyOffset) from queries.
const queryTime = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
// Eleven samples a series, the last one at `queryTime`.
const sampleTimes = Array.from({ length: 11 }, (_, index) => queryTime.getTime() - (10 - index) * stepMs);
const lastHour = { start: new Date(queryTime.getTime() - 3_600_000), end: queryTime };
// Quotes, a backslash and regex metacharacters: a selector that does not escape them matches nothing, or too much.
const awkwardPath = String.raw`/api/v1.0 "quoted" \ (a|b)*`;

function samples(): string {
  const lines = sampleTimes.flatMap((time, index) => [
    ...['a', 'b', 'c', 'd', 'e'].map((instance) => `vm_client_up{instance="${instance}",job="node"} ${index} ${time}`),
    `vm_client_requests{path=${JSON.stringify(awkwardPath)}} ${index * 2} ${time}`,
    `vm_client_requests{path="/api/v1X0 other"} 0 ${time}`,
  ]);
  return `${lines.join('\n')}\n`;
}

describe('VictoriaMetrics client against a real VictoriaMetrics', () => {
  let victoriaMetrics: RunningVictoriaMetrics;
  let client: VictoriaMetricsClient;

  beforeAll(async () => {
    victoriaMetrics = await startVictoriaMetrics();
    await victoriaMetrics.importPrometheus(samples());
    client = createVictoriaMetricsClient({ url: victoriaMetrics.url, timeoutMs: 2_000 });
  });
  afterAll(async () => {
    await victoriaMetrics?.stop();
  });

  describe('query', () => {
    it('answers a vector with one sample per series at the given time', async () => {
      const result = await client.query('vm_client_up{instance=~"a|b"}', queryTime);
      expect(result.resultType).toBe('vector');
      if (result.resultType !== 'vector') return;
      expect(result.truncated).toBe(false);
      expect(result.samples.map(({ labels }) => labels.instance).sort()).toEqual(['a', 'b']);
      expect(result.samples[0]?.point).toEqual([queryTime.getTime() / 1000, 10]);
    });

    it('keeps at most maxSeries series and says it left some out', async () => {
      const result = await client.query('vm_client_up', queryTime, { maxSeries: 3 });
      expect(result).toMatchObject({ resultType: 'vector', truncated: true });
      expect(result.resultType === 'vector' && result.samples).toHaveLength(3);
    });

    it('answers a range selector with a matrix of the raw samples, bounded too', async () => {
      const result = await client.query('vm_client_up[1m]', queryTime, { maxSeries: 2 });
      expect(result).toMatchObject({ resultType: 'matrix', truncated: true });
      if (result.resultType !== 'matrix') return;
      expect(result.series).toHaveLength(2);
      // The window (queryTime - 1m, queryTime] holds the last four samples.
      expect(result.series[0]?.points).toEqual(sampleTimes.slice(-4).map((time, index) => [time / 1000, 7 + index]));
    });

    it('surfaces a syntax error as a client failure with VictoriaMetrics’ reason', async () => {
      const failure = await failureOf(client.query('sum(vm_client_up', queryTime));
      expect(failure).toMatchObject({ kind: 'client', retryable: false, status: 422 });
      expect(failure.message).toMatch(/^VictoriaMetrics answered 422 to sum\(vm_client_up: .*unexpected/);
    });

    it('fails at once when the caller has already aborted, saying the caller’s deadline passed', async () => {
      const failure = await failureOf(client.query('vm_client_up', queryTime, { signal: AbortSignal.abort() }));
      expect(failure).toMatchObject({
        kind: 'timeout',
        retryable: true,
        message: `the caller's deadline passed before VictoriaMetrics at ${new URL(victoriaMetrics.url).host} answered vm_client_up`,
      });
    });
  });

  describe('series', () => {
    it('finds a series by a label value full of quotes and regex characters, escaped by selectorFor', async () => {
      const result = await client.series([selectorFor({ __name__: 'vm_client_requests', path: awkwardPath })], lastHour);
      expect(result).toEqual({ series: [{ __name__: 'vm_client_requests', path: awkwardPath }], truncated: false });
    });

    it('returns at most `limit` label sets and says more matched', async () => {
      const result = await client.series(['vm_client_up'], lastHour, { limit: 2 });
      expect(result.series).toHaveLength(2);
      expect(result.truncated).toBe(true);
      expect(await client.series(['vm_client_up'], lastHour, { limit: 5 })).toMatchObject({ truncated: false });
    });

    it('refuses a call without a selector before asking VictoriaMetrics', async () => {
      await expect(client.series([], lastHour)).rejects.toThrow(RangeError);
    });
  });

  describe('labels', () => {
    it('lists the label names of the matching series', async () => {
      const result = await client.labelNames({ match: ['vm_client_up'], ...lastHour });
      expect(result).toEqual({ names: ['__name__', 'instance', 'job'], truncated: false });
    });

    it('bounds the label names', async () => {
      const result = await client.labelNames({ ...lastHour, limit: 1 });
      expect(result.names).toHaveLength(1);
      expect(result.truncated).toBe(true);
    });

    it('lists the values of a label, awkward ones verbatim', async () => {
      const result = await client.labelValues('path', { match: ['vm_client_requests'], ...lastHour });
      expect(result).toEqual({ label: 'path', values: [awkwardPath, '/api/v1X0 other'].sort(), truncated: false });
    });

    it('bounds the values of a label', async () => {
      const result = await client.labelValues('instance', { match: ['vm_client_up'], ...lastHour, limit: 4 });
      expect(result).toEqual({ label: 'instance', values: ['a', 'b', 'c', 'd'], truncated: true });
    });

    it('refuses a label name that is not one, without a request', async () => {
      // Nothing listens there: a request would fail as unreachable, not as RangeError.
      const unreachable = createVictoriaMetricsClient({ url: 'http://127.0.0.1:9' });
      await expect(unreachable.labelValues('../../query?query=up', lastHour)).rejects.toThrow(RangeError);
      await expect(unreachable.labelValues('instance', lastHour)).rejects.toBeInstanceOf(UpstreamError);
    });
  });
});

describe('VictoriaMetrics client against a Prometheus answer', () => {
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    // Prometheus answers `1 + 1` with a scalar (VictoriaMetrics answers a vector), as its HTTP API documents.
    server = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1435781451.781, '2'] } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads a scalar', async () => {
    const result = await createVictoriaMetricsClient({ url }).query('1 + 1', new Date(1435781451781));
    expect(result).toEqual({ query: '1 + 1', resultType: 'scalar', point: [1435781451.781, 2], truncated: false });
  });
});

describe('VictoriaMetrics client against a VictoriaMetrics that holds the request', () => {
  let server: http.Server;
  let client: VictoriaMetricsClient;
  let host: string;

  beforeAll(async () => {
    // Accepts every request and never answers, like a VictoriaMetrics stuck on a heavy query.
    server = http.createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = createVictoriaMetricsClient({ url: `http://${host}`, timeoutMs: 10_000 });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('stops at the caller’s deadline, long before its own, and names the caller’s deadline', async () => {
    const started = Date.now();
    // A caller's timeout aborts with a TimeoutError too: only the signal that fired tells it from the client's own.
    const failure = await failureOf(client.labelNames({ ...lastHour, signal: AbortSignal.timeout(200) }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(failure).toMatchObject({ kind: 'timeout', retryable: true, message: `the caller's deadline passed before VictoriaMetrics at ${host} answered the label names` });
  });

  it('reports its own timeout as its own while the caller still waits', async () => {
    const impatient = createVictoriaMetricsClient({ url: `http://${host}`, timeoutMs: 200 });
    const failure = await failureOf(impatient.query('up', queryTime, { signal: AbortSignal.timeout(10_000) }));
    expect(failure).toMatchObject({ kind: 'timeout', retryable: true, message: `VictoriaMetrics at ${host} did not answer within 200 ms` });
  });
});
