import { z } from 'zod';
import { callWithDeadline, failureForStatus, failureForThrown, networkReason, UpstreamError } from '@sre/service-kit';

export interface GrafanaClientOptions {
  /** GRAFANA_URL as the assistant reaches it, e.g. http://grafana:3000 or https://example.com/grafana (a sub-path is kept). */
  url: string;
  /** A service account token, sent as `Authorization: Bearer`; undefined calls Grafana anonymously. Never logged. */
  token: string | undefined;
  /** Deadline for one call. */
  timeoutMs?: number;
}

/** The most dashboards or annotations one call may ask for (Grafana's search allows 5000). */
export const maxGrafanaListItems = 1_000;

export interface GrafanaCallOptions {
  /** Aborts the call early, e.g. when the task it serves times out: an UpstreamError 'timeout' naming the caller's deadline. */
  signal?: AbortSignal;
}

/** `GET /api/search`: dashboards (never folders) by title and tags. */
export interface DashboardSearch extends GrafanaCallOptions {
  /** Part of the title, matched in any case; undefined or empty matches every dashboard. */
  query?: string;
  /** Only dashboards that carry every one of these tags. */
  tags?: readonly string[];
  /** Dashboards to return, 1–maxGrafanaListItems; `truncated` says more matched. */
  limit: number;
}

/** `GET /api/annotations`: annotations that overlap [from, to]. */
export interface AnnotationQuery extends GrafanaCallOptions {
  from: Date;
  to: Date;
  /** Only annotations of this dashboard. */
  dashboardUid?: string;
  /** Only annotations that carry every one of these tags, e.g. `deploy`. */
  tags?: readonly string[];
  /** Annotations to return, 1–maxGrafanaListItems; `truncated` says more matched. */
  limit: number;
}

/** Items of a bounded listing; `truncated` says more matched than were returned. */
export interface GrafanaList<Item> {
  items: Item[];
  truncated: boolean;
}

/** One dashboard found by a search. */
export interface DashboardHit {
  uid: string;
  title: string;
  /** Absolute: Grafana's own link (its root_url decides any sub-path) on GRAFANA_URL's origin. */
  url: string;
  /** Null for a dashboard outside any folder. */
  folderTitle: string | null;
  tags: string[];
}

/**
 * Which data source a panel or query reads: `type` and `uid` in dashboards since Grafana 8.3,
 * only `name` in older ones. Either may be a template variable, e.g. `${datasource}`.
 */
export interface DatasourceReference {
  type?: string;
  uid?: string;
  name?: string;
}

/** One query (target) of a panel. */
export interface PanelQuery {
  refId: string | null;
  /** The query's own data source, else the panel's; null for the dashboard's default. */
  datasource: DatasourceReference | null;
  /** The text the data source runs (PromQL, LogQL, SQL…); null for a query built in a visual editor. */
  expression: string | null;
  /** Hidden in the panel, typically an input to an expression query. */
  hidden: boolean;
}

/** A panel with its queries; panels inside rows are listed with the row's title. */
export interface DashboardPanel {
  title: string;
  type: string;
  /** The title of the row the panel sits in, null outside rows. */
  row: string | null;
  queries: PanelQuery[];
}

/** A template variable (`$instance`) with its saved value. */
export interface DashboardVariable {
  name: string;
  type: string;
  /** The saved value as Grafana shows it (several joined with ", "); null when none is saved. */
  current: string | null;
}

/** The parts of a dashboard the assistant reads: its identity, variables and panels' queries. */
export interface GrafanaDashboard {
  uid: string;
  title: string;
  url: string;
  folderTitle: string | null;
  tags: string[];
  variables: DashboardVariable[];
  /** Every panel but rows themselves, rows' collapsed panels included, in the dashboard's order. */
  panels: DashboardPanel[];
}

/** An annotation: a point in time, or a region when `timeEnd` is set. */
export interface GrafanaAnnotation {
  id: number;
  time: Date;
  /** The end of a region; null for a point. */
  timeEnd: Date | null;
  text: string;
  tags: string[];
  /** Null for an organisation-wide annotation. */
  dashboardUid: string | null;
  panelId: number | null;
}

export interface GrafanaClient {
  /** GRAFANA_URL without a trailing slash. */
  readonly url: string;
  /** `GET /api/search?type=dash-db`: dashboards by part of their title and by tags, by title. Throws UpstreamError. */
  searchDashboards(search: DashboardSearch): Promise<GrafanaList<DashboardHit>>;
  /** `GET /api/dashboards/uid/{uid}`: a dashboard's panels and queries. Throws UpstreamError (status 404: no such dashboard; 403: not visible to this account). */
  getDashboard(uid: string, options?: GrafanaCallOptions): Promise<GrafanaDashboard>;
  /** `GET /api/annotations?type=annotation`: what people and tools (deploy pipelines) annotated, newest first; not alert state changes. Throws UpstreamError. */
  listAnnotations(query: AnnotationQuery): Promise<GrafanaList<GrafanaAnnotation>>;
}

// Grafana's answers carry many more fields than these; only what is used is parsed, and
// whatever a panel holds that does not fit (plugins put odd things there) counts as absent.
const tagsSchema = z.array(z.string()).nullish().transform((tags) => tags ?? []);
const optionalText = z.string().optional().catch(undefined);

const searchAnswerSchema = z.array(
  z.object({ uid: z.string(), title: z.string(), url: z.string(), tags: tagsSchema, folderTitle: z.string().optional() }),
);

const datasourceSchema = z
  .union([z.string(), z.object({ type: z.string().nullish(), uid: z.string().nullish() })])
  .nullish()
  .catch(undefined);

const targetSchema = z.record(z.string(), z.unknown());

const panelSchema = z.object({
  type: optionalText,
  title: optionalText,
  datasource: datasourceSchema,
  targets: z.array(z.unknown()).optional().catch(undefined),
  // A collapsed row holds its panels; an expanded one is followed by them.
  panels: z.array(z.unknown()).optional().catch(undefined),
});

const legacyRowSchema = z.object({ title: optionalText, panels: z.array(z.unknown()).optional().catch(undefined) });

const variableSchema = z.object({
  name: z.string(),
  type: z.string().optional().catch(undefined),
  current: z
    .object({ text: z.union([z.string(), z.array(z.string())]).optional().catch(undefined) })
    .nullish()
    .catch(undefined),
});

const dashboardAnswerSchema = z.object({
  dashboard: z.object({
    uid: z.string(),
    title: z.string(),
    tags: tagsSchema.catch([]),
    panels: z.array(z.unknown()).optional().catch(undefined),
    // Dashboards saved before schema version 16 (Grafana 5) keep their panels in rows.
    rows: z.array(z.unknown()).optional().catch(undefined),
    templating: z.object({ list: z.array(z.unknown()) }).optional().catch(undefined),
  }),
  meta: z.object({ url: z.string(), folderTitle: z.string().optional() }),
});

const annotationsAnswerSchema = z.array(
  z.object({
    id: z.number(),
    time: z.number(),
    timeEnd: z.number().nullish(),
    text: z.string().nullish(),
    tags: tagsSchema,
    dashboardUID: z.string().nullish(),
    panelId: z.number().nullish(),
  }),
);

const errorAnswerSchema = z.object({ message: z.string().min(1) });

/** Fields a target keeps its query text in, by data source: Prometheus and Loki, most others, CloudWatch, SQL. */
const expressionFields = ['expr', 'query', 'expression', 'rawSql', 'rawSQL'] as const;

/** A client of Grafana's HTTP API for reading dashboards and annotations (a Viewer service account is enough). */
export function createGrafanaClient(options: GrafanaClientOptions): GrafanaClient {
  const baseUrl = options.url.replace(/\/+$/, '');
  const { token, timeoutMs = 5_000 } = options;
  const headers: Record<string, string> = { accept: 'application/json', ...(token !== undefined && { authorization: `Bearer ${token}` }) };

  const fetchJson = async (request: string, url: string, deadline: AbortSignal): Promise<unknown> => {
    let status: number;
    let text: string;
    try {
      const response = await fetch(url, { headers, signal: deadline });
      status = response.status;
      text = await response.text();
    } catch (error) {
      const kind = failureForThrown(error);
      const message = kind === 'timeout' ? `Grafana did not answer ${request} within ${timeoutMs} ms` : `Grafana at ${baseUrl} could not be reached (${networkReason(error)})`;
      throw new UpstreamError(kind, message, { cause: error });
    }
    if (status < 200 || status > 299) {
      const anonymous = status === 401 && token === undefined ? '; the assistant has no service account token, and this Grafana does not admit anonymous viewers' : '';
      throw new UpstreamError(failureForStatus(status), `Grafana answered ${status} to ${request}: ${grafanaReason(text)}${anonymous}`, { status });
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new UpstreamError('server', `Grafana answered ${request} with a body that is not JSON`, { status, retryable: false, cause: error });
    }
  };

  const getJson = (path: string, parameters: URLSearchParams, signal: AbortSignal | undefined): Promise<unknown> => {
    const request = `GET ${path}`;
    const query = parameters.size > 0 ? `?${parameters}` : '';
    return callWithDeadline({ timeoutMs, signal, upstream: 'Grafana', request }, (deadline) => fetchJson(request, `${baseUrl}${path}${query}`, deadline));
  };

  const getParsed = async <Answer>(schema: z.ZodType<Answer>, path: string, parameters: URLSearchParams, signal: AbortSignal | undefined): Promise<Answer> => {
    const parsed = schema.safeParse(await getJson(path, parameters, signal));
    if (parsed.success) return parsed.data;
    // Another API version behind the same path will not answer differently when asked again.
    throw new UpstreamError('server', `Grafana answered GET ${path} with an unexpected body: ${z.prettifyError(parsed.error)}`, { retryable: false });
  };

  const absolute = (link: string) => new URL(link, `${baseUrl}/`).href;

  return {
    url: baseUrl,

    async searchDashboards({ query, tags = [], limit, signal }) {
      checkLimit(limit);
      // One more than wanted: getting it back is how we know the answer was cut.
      const parameters = new URLSearchParams({ type: 'dash-db', limit: String(limit + 1) });
      if (query) parameters.set('query', query);
      for (const tag of tags) parameters.append('tag', tag);
      const hits = await getParsed(searchAnswerSchema, '/api/search', parameters, signal);
      return {
        items: hits.slice(0, limit).map((hit) => ({ uid: hit.uid, title: hit.title, url: absolute(hit.url), folderTitle: hit.folderTitle || null, tags: hit.tags })),
        truncated: hits.length > limit,
      };
    },

    async getDashboard(uid, { signal } = {}) {
      const { dashboard, meta } = await getParsed(dashboardAnswerSchema, `/api/dashboards/uid/${encodeURIComponent(uid)}`, new URLSearchParams(), signal);
      return {
        uid: dashboard.uid,
        title: dashboard.title,
        url: absolute(meta.url),
        folderTitle: meta.folderTitle || null,
        tags: dashboard.tags,
        variables: (dashboard.templating?.list ?? []).flatMap((entry) => {
          const variable = variableSchema.safeParse(entry);
          return variable.success ? [variableOf(variable.data)] : [];
        }),
        panels: dashboard.panels ? flattenPanels(dashboard.panels) : flattenLegacyRows(dashboard.rows ?? []),
      };
    },

    async listAnnotations({ from, to, dashboardUid, tags = [], limit, signal }) {
      checkLimit(limit);
      const parameters = new URLSearchParams({ type: 'annotation', from: String(from.getTime()), to: String(to.getTime()), limit: String(limit + 1) });
      if (dashboardUid) parameters.set('dashboardUID', dashboardUid);
      for (const tag of tags) parameters.append('tags', tag);
      const annotations = await getParsed(annotationsAnswerSchema, '/api/annotations', parameters, signal);
      return {
        items: annotations.slice(0, limit).map((annotation) => ({
          id: annotation.id,
          time: new Date(annotation.time),
          // Grafana gives a point annotation timeEnd = time (0 in old versions).
          timeEnd: annotation.timeEnd && annotation.timeEnd > annotation.time ? new Date(annotation.timeEnd) : null,
          text: annotation.text ?? '',
          tags: annotation.tags,
          dashboardUid: annotation.dashboardUID || null,
          panelId: annotation.panelId || null,
        })),
        truncated: annotations.length > limit,
      };
    },
  };
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > maxGrafanaListItems) throw new RangeError(`limit must be a whole number from 1 to ${maxGrafanaListItems}, not ${limit}`);
}

type ParsedPanel = z.infer<typeof panelSchema>;
type ParsedDatasource = z.infer<typeof datasourceSchema>;

// Rows are not panels a person reads: their panels are listed instead, each with the row's title.
function flattenPanels(entries: readonly unknown[]): DashboardPanel[] {
  const panels: DashboardPanel[] = [];
  let row: string | null = null;
  for (const entry of entries) {
    const parsed = panelSchema.safeParse(entry);
    if (!parsed.success) continue;
    if (parsed.data.type === 'row') {
      row = parsed.data.title ?? '';
      panels.push(...panelsOf(parsed.data.panels ?? [], row));
    } else {
      panels.push(panelOf(parsed.data, row));
    }
  }
  return panels;
}

function flattenLegacyRows(rows: readonly unknown[]): DashboardPanel[] {
  return rows.flatMap((entry) => {
    const row = legacyRowSchema.safeParse(entry);
    return row.success ? panelsOf(row.data.panels ?? [], row.data.title ?? '') : [];
  });
}

function panelsOf(entries: readonly unknown[], row: string): DashboardPanel[] {
  return entries.flatMap((entry) => {
    const parsed = panelSchema.safeParse(entry);
    return parsed.success ? [panelOf(parsed.data, row)] : [];
  });
}

function panelOf(panel: ParsedPanel, row: string | null): DashboardPanel {
  const panelDatasource = datasourceOf(panel.datasource);
  const queries = (panel.targets ?? []).flatMap((entry) => {
    const target = targetSchema.safeParse(entry);
    if (!target.success) return [];
    const fields = target.data;
    return [
      {
        refId: typeof fields.refId === 'string' ? fields.refId : null,
        datasource: datasourceOf(datasourceSchema.parse(fields.datasource)) ?? panelDatasource,
        expression: expressionOf(fields),
        hidden: fields.hide === true,
      },
    ];
  });
  return { title: panel.title ?? '', type: panel.type ?? '', row, queries };
}

function datasourceOf(datasource: ParsedDatasource): DatasourceReference | null {
  if (datasource === undefined || datasource === null) return null;
  if (typeof datasource === 'string') return { name: datasource };
  const reference = { ...(datasource.type && { type: datasource.type }), ...(datasource.uid && { uid: datasource.uid }) };
  return Object.keys(reference).length > 0 ? reference : null;
}

function expressionOf(target: Record<string, unknown>): string | null {
  for (const field of expressionFields) {
    const value = target[field];
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return null;
}

function variableOf(variable: z.infer<typeof variableSchema>): DashboardVariable {
  const text = variable.current?.text;
  const current = Array.isArray(text) ? text.join(', ') : text;
  return { name: variable.name, type: variable.type ?? '', current: current === undefined || current === '' ? null : current };
}

// Grafana explains a refusal in `message` ("Invalid API key", "Dashboard not found"); anything else is shown in part.
function grafanaReason(text: string): string {
  try {
    const parsed = errorAnswerSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.message;
  } catch {
    // Not JSON: a proxy's error page, say.
  }
  return text.trim().slice(0, 200) || '(no body)';
}
