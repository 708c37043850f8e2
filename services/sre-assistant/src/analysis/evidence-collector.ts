import type { EvidenceRecord } from '@sre/db';
import { UpstreamError } from '@sre/service-kit';
import { anyOf, selectorFor, type VictoriaMetricsClient } from '@sre/victoriametrics';
import type { ControlPlaneClient, InventoryDevice, InventoryDeviceDetail } from '../integrations/control-plane.client';
import { counterNamePattern, isCounter, namedLikeSumOrCount } from './counters';
import { devicesNamedBy, resolveEntities, type Entity } from './entities';
import { seriesKey } from './ordering';
import type { AnalysisWindows } from './windows';

/** One series fetched for an entity, with a query that selects exactly it. */
export interface CollectedSeries {
  entity: Entity;
  /** PromQL for this one series, so a person can run it again and see the same curve. */
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
  /** Series kept per query, those of the entities nearest the alert first; more are reported. */
  maxSeriesPerQuery?: number;
  /** Entities examined at most (default 100): the alerting devices first, then their dependencies breadth first. */
  maxEntities?: number;
}

// Histogram buckets multiply the series tenfold and say little a first diagnosis can use;
// `_created` holds counters' creation times.
const levelsQuery = (matcher: string) => `{${matcher}, __name__!~".*(_total|_bucket|_created)"}`;
// VictoriaMetrics computes rates from the raw samples; rates derived from step-aligned values
// would jitter whenever a scrape lands on a step boundary.
const ratesQuery = (matcher: string) => `rate({${matcher}, __name__=~"${counterNamePattern}"}[1m]) keep_metric_names`;
// Dependency chains deeper than this are rare in an inventory; the bound keeps a cycle or a huge graph cheap.
const maxDependencyDepth = 6;

/**
 * Gathers the entities an alert involves and their series around its start. The number of
 * queries does not grow with the graph: entities selected by the same label share one query for
 * their levels and one for their counters' rates.
 */
export function createEvidenceCollector(dependencies: EvidenceCollectorDependencies) {
  const { metrics, inventory, maxSeriesPerQuery = 5_000, maxEntities = 100 } = dependencies;

  async function findEntities(alertLabels: Record<string, string>, records: EvidenceRecord[], signal: AbortSignal): Promise<Entity[]> {
    if (!inventory) {
      records.push({ source: 'control-plane', description: 'device inventory and dependencies', query: null, status: 'missing', detail: 'the assistant has no client secret for the control plane (ASSISTANT_CLIENT_SECRET)' });
      return resolveEntities(alertLabels, [], new Set());
    }
    try {
      const devices: InventoryDevice[] = await inventory.listDevices({ signal });
      const named = devicesNamedBy(alertLabels, devices);
      const { reached, requests, truncated } = await reachDependencies(named, signal);
      const detail =
        named.length === 0
          ? 'no device matches the alert labels'
          : `matched ${named.map((device) => device.name).join(', ')}; ${counted(reached.length, 'device')} examined with their dependencies (${counted(requests, 'device request')})${truncated ? `, stopped at ${maxEntities}` : ''}`;
      records.push({ source: 'control-plane', description: 'device inventory and dependencies', query: 'GET /api/v1/devices', status: named.length ? 'ok' : 'no_data', detail });
      return resolveEntities(alertLabels, reached, new Set(named.map((device) => device.id)));
    } catch (error) {
      records.push({ source: 'control-plane', description: 'device inventory and dependencies', query: 'GET /api/v1/devices', status: 'missing', detail: messageOf(error) });
      return resolveEntities(alertLabels, [], new Set());
    }
  }

  /** The named devices and what they depend on, breadth first, level by level. */
  async function reachDependencies(named: readonly InventoryDevice[], signal: AbortSignal) {
    const reached = new Map<string, InventoryDeviceDetail>();
    let frontier = named.map((device) => device.id);
    let requests = 0;
    for (let depth = 0; frontier.length > 0 && depth <= maxDependencyDepth && reached.size < maxEntities; depth += 1) {
      const level = frontier.slice(0, maxEntities - reached.size);
      const details = await Promise.all(level.map((id) => inventory!.getDevice(id, { signal })));
      requests += details.length;
      for (const detail of details) reached.set(detail.id, detail);
      frontier = [...new Set(details.flatMap((detail) => detail.dependsOn.map((dependency) => dependency.id)))].filter((id) => !reached.has(id));
    }
    return { reached: [...reached.values()], requests, truncated: frontier.length > 0 && reached.size >= maxEntities };
  }

  /** One query's series, those of the entities nearest the alert first (`nearness`: lower is nearer) when there are too many. */
  async function query(query: string, description: string, windows: AnalysisWindows, nearness: (labels: Record<string, string>) => number, signal: AbortSignal) {
    if (!metrics) {
      const record: EvidenceRecord = { source: 'victoriametrics', description, query, status: 'missing', detail: 'VictoriaMetrics is not configured (VM_URL)' };
      return { series: [], record };
    }
    const range = { start: windows.baseline.start, end: windows.dataEnd, stepSeconds: windows.stepSeconds };
    try {
      const result = await withOneRetry(() => metrics.queryRange(query, range, { maxSeries: Number.POSITIVE_INFINITY, signal }), signal);
      const kept = nearestFirst(result.series, nearness, maxSeriesPerQuery);
      const detail =
        kept.length < result.series.length
          ? `${result.series.length} series matched, more than ${maxSeriesPerQuery}: those of the entities nearest the alert were examined`
          : `${result.series.length} series`;
      const record: EvidenceRecord = { source: 'victoriametrics', description, query, status: result.series.length ? 'ok' : 'no_data', detail };
      return { series: kept, record };
    } catch (error) {
      const record: EvidenceRecord = { source: 'victoriametrics', description, query, status: 'missing', detail: messageOf(error) };
      return { series: [], record };
    }
  }

  /** The gauges and counter rates of the entities selected by one label; `_sum`/`_count` series that go down are gauges. */
  async function fetchSeries(label: string, entities: readonly Entity[], windows: AnalysisWindows, signal: AbortSignal) {
    // Entities come alerting first, then dependencies breadth first: their position is their nearness.
    const position = new Map(entities.map((entity, index) => [entity.selector[label]!, index]));
    const nearness = (labels: Record<string, string>) => position.get(labels[label] ?? '') ?? entities.length;
    const entityOf = (labels: Record<string, string>): Entity | undefined => entities[nearness(labels)];
    const matcher = anyOf(label, [...position.keys()]);
    const names = entities.map((entity) => entity.name).join(', ');
    const [levels, rates] = await Promise.all([
      query(levelsQuery(matcher), `levels of ${names}`, windows, nearness, signal),
      query(ratesQuery(matcher), `counter rates of ${names}`, windows, nearness, signal),
    ]);
    const gaugesNamedLikeCounters = new Set<string>();
    const series: CollectedSeries[] = [];
    for (const { labels, points } of levels.series) {
      const entity = entityOf(labels);
      if (!entity || isCounter(labels.__name__ ?? '', points)) continue;
      if (namedLikeSumOrCount(labels.__name__ ?? '')) gaugesNamedLikeCounters.add(seriesKey(labels));
      series.push({ entity, query: selectorFor(labels), kind: 'gauge', labels, points });
    }
    for (const { labels, points } of rates.series) {
      const entity = entityOf(labels);
      if (!entity || gaugesNamedLikeCounters.has(seriesKey(labels))) continue;
      series.push({ entity, query: `rate(${selectorFor(labels)}[1m])`, kind: 'rate', labels, points });
    }
    return { series, records: [levels.record, rates.record] };
  }

  return {
    /** Never throws for an upstream failure: what could not be fetched is recorded as `missing`. */
    async collect(alertLabels: Record<string, string>, windows: AnalysisWindows, signal: AbortSignal): Promise<Collection> {
      const records: EvidenceRecord[] = [];
      const entities = await findEntities(alertLabels, records, signal);
      const bySelectorLabel = new Map<string, Entity[]>();
      for (const entity of entities) {
        const label = Object.keys(entity.selector)[0]!;
        bySelectorLabel.set(label, [...(bySelectorLabel.get(label) ?? []), entity]);
      }
      // Queries run together; results keep the entities' order, so the analysis is deterministic.
      const fetched = await Promise.all([...bySelectorLabel].map(([label, group]) => fetchSeries(label, group, windows, signal)));
      const series = fetched.flatMap((result) => result.series);
      const order = new Map(entities.map((entity, index) => [entity, index]));
      series.sort((a, b) => order.get(a.entity)! - order.get(b.entity)!);
      return { entities, series, records: [...records, ...fetched.flatMap((result) => result.records)] };
    },
  };
}

export type EvidenceCollector = ReturnType<typeof createEvidenceCollector>;

/**
 * At most `max` series, the nearest first (a stable sort keeps the store's order among equals).
 * VictoriaMetrics returns series in no order that matters here, so cutting its list would drop the
 * alerting entity's series as readily as those of a dependency five hops away.
 */
export function nearestFirst<T extends { labels: Record<string, string> }>(series: readonly T[], nearness: (labels: Record<string, string>) => number, max: number): T[] {
  if (series.length <= max) return [...series];
  return [...series].sort((a, b) => nearness(a.labels) - nearness(b.labels)).slice(0, max);
}

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

const counted = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
