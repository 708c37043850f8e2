import type { EvidenceRecord } from '@sre/db';
import { UpstreamError } from '@sre/service-kit';
import { selectorFor, type VictoriaMetricsClient } from '@sre/victoriametrics';
import type { ControlPlaneClient, InventoryDevice, InventoryDeviceDetail } from '../integrations/control-plane.client';
import { counterNamePattern, isCounter } from './counters';
import { devicesNamedBy, resolveEntities, type Entity } from './entities';
import type { AnalysisWindows } from './windows';

/** One series fetched for an entity, with the exact query that produced it. */
export interface CollectedSeries {
  entity: Entity;
  query: string;
  /** `gauge`: the stored values; `rate`: a counter's per-second rate, as PromQL's rate() gives it. */
  kind: 'gauge' | 'rate';
  labels: Record<string, string>;
  points: Array<[seconds: number, value: number]>;
}

export interface Collection {
  entities: Entity[];
  series: CollectedSeries[];
  /** Every source consulted, including what could not be had. */
  records: EvidenceRecord[];
}

export interface EvidenceCollectorDependencies {
  /** Undefined when VM_URL is not set: metric evidence is then reported missing. */
  metrics: VictoriaMetricsClient | undefined;
  /** Undefined when the assistant cannot call the control plane: entities come from labels alone. */
  inventory: Pick<ControlPlaneClient, 'listDevices' | 'getDevice'> | undefined;
  /** Series kept per query; more are reported as truncated. */
  maxSeriesPerQuery?: number;
}

// Histogram buckets multiply the series tenfold and say little a first diagnosis can use;
// `_created` holds counters' creation times.
const levelsQuery = (selector: Record<string, string>) => selectorFor(selector, ['__name__!~".*(_total|_bucket|_created)"']);
// VictoriaMetrics computes rates from the raw samples; rates derived from step-aligned values
// would jitter whenever a scrape lands on a step boundary.
const ratesQuery = (selector: Record<string, string>) => `rate(${selectorFor(selector, [`__name__=~"${counterNamePattern}"`])}[1m]) keep_metric_names`;
const seriesKey = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));

/** Gathers the entities an alert involves and their series around its start. */
export function createEvidenceCollector(dependencies: EvidenceCollectorDependencies) {
  const { metrics, inventory, maxSeriesPerQuery = 1_000 } = dependencies;

  async function findEntities(alertLabels: Record<string, string>, records: EvidenceRecord[]): Promise<Entity[]> {
    if (!inventory) {
      records.push({ source: 'control-plane', description: 'device inventory and dependencies', query: null, status: 'missing', detail: 'the assistant has no client secret for the control plane (ASSISTANT_CLIENT_SECRET)' });
      return resolveEntities(alertLabels, [], []);
    }
    try {
      const devices: InventoryDevice[] = await inventory.listDevices();
      const named = devicesNamedBy(alertLabels, devices);
      const details: InventoryDeviceDetail[] = await Promise.all(named.map((device) => inventory.getDevice(device.id)));
      const entities = resolveEntities(alertLabels, details, devices);
      const detail = named.length === 0 ? 'no device matches the alert labels' : `matched ${named.map((device) => device.name).join(', ')}`;
      records.push({ source: 'control-plane', description: 'device inventory and dependencies', query: 'GET /api/v1/devices', status: named.length ? 'ok' : 'no_data', detail });
      return entities;
    } catch (error) {
      records.push({ source: 'control-plane', description: 'device inventory and dependencies', query: 'GET /api/v1/devices', status: 'missing', detail: messageOf(error) });
      return resolveEntities(alertLabels, [], []);
    }
  }

  async function query(query: string, description: string, windows: AnalysisWindows, signal: AbortSignal) {
    if (!metrics) {
      const record: EvidenceRecord = { source: 'victoriametrics', description, query, status: 'missing', detail: 'VictoriaMetrics is not configured (VM_URL)' };
      return { series: [], record };
    }
    const range = { start: windows.baseline.start, end: windows.anomaly.end, stepSeconds: windows.stepSeconds };
    try {
      const result = await withOneRetry(() => metrics.queryRange(query, range, { maxSeries: maxSeriesPerQuery, signal }), signal);
      const detail = result.truncated ? `more than ${maxSeriesPerQuery} series matched; the first ${maxSeriesPerQuery} were examined` : `${result.series.length} series`;
      const record: EvidenceRecord = { source: 'victoriametrics', description, query, status: result.series.length ? 'ok' : 'no_data', detail };
      return { series: result.series, record };
    } catch (error) {
      const record: EvidenceRecord = { source: 'victoriametrics', description, query, status: 'missing', detail: messageOf(error) };
      return { series: [], record };
    }
  }

  /** An entity's gauges as they are and its counters as rates; `_sum`/`_count` series that go down are gauges. */
  async function fetchSeries(entity: Entity, windows: AnalysisWindows, signal: AbortSignal): Promise<{ series: CollectedSeries[]; records: EvidenceRecord[] }> {
    const queries = { levels: levelsQuery(entity.selector), rates: ratesQuery(entity.selector) };
    const [levels, rates] = await Promise.all([
      query(queries.levels, `levels of ${entity.name}`, windows, signal),
      query(queries.rates, `counter rates of ${entity.name}`, windows, signal),
    ]);
    const gaugesNamedLikeCounters = new Set<string>();
    const series: CollectedSeries[] = [];
    for (const { labels, points } of levels.series) {
      if (isCounter(labels.__name__ ?? '', points)) continue;
      if (/_(sum|count)$/.test(labels.__name__ ?? '')) gaugesNamedLikeCounters.add(seriesKey(labels));
      series.push({ entity, query: queries.levels, kind: 'gauge', labels, points });
    }
    for (const { labels, points } of rates.series) {
      if (gaugesNamedLikeCounters.has(seriesKey(labels))) continue;
      series.push({ entity, query: queries.rates, kind: 'rate', labels, points });
    }
    return { series, records: [levels.record, rates.record] };
  }

  return {
    /** Never throws for an upstream failure: what could not be fetched is recorded as `missing`. */
    async collect(alertLabels: Record<string, string>, windows: AnalysisWindows, signal: AbortSignal): Promise<Collection> {
      const records: EvidenceRecord[] = [];
      const entities = await findEntities(alertLabels, records);
      // Queries run together; results keep the entities' order, so the analysis is deterministic.
      const fetched = await Promise.all(entities.map((entity) => fetchSeries(entity, windows, signal)));
      return { entities, series: fetched.flatMap((result) => result.series), records: [...records, ...fetched.flatMap((result) => result.records)] };
    },
  };
}

export type EvidenceCollector = ReturnType<typeof createEvidenceCollector>;

// A blip (a restart, a dropped connection) should not cost the evidence; a second failure does.
async function withOneRetry<T>(call: () => Promise<T>, signal: AbortSignal): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof UpstreamError) || !error.retryable || signal.aborted) throw error;
    await new Promise((resolve) => setTimeout(resolve, 200));
    return call();
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
