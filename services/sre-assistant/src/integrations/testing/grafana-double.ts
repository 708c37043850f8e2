// A local stand-in for the part of Grafana's HTTP API the assistant reads: GET /api/search,
// GET /api/dashboards/uid/{uid} and GET /api/annotations. It authenticates as Grafana does
// (`Authorization: Bearer <service account token>`, optionally anonymous viewers), honours the
// query parameters those endpoints honour, answers with their JSON shapes and `{"message": …}`
// error bodies, and hides from the account what Grafana's access control would. The behaviour
// follows Grafana's HTTP API reference and its handlers (pkg/api/search.go, dashboard.go,
// annotations.go, the annotation store's SQL). Tests seed dashboards and annotations and read
// `requests` to see what a client sent.
import type http from 'node:http';
import { listenLocally, sendJson } from '../../../test/http-server';

/** The token the double accepts unless told otherwise, shaped like a Grafana service account token. */
export const grafanaDoubleToken = 'glsa_Dz5bWq0S3rVcLmN8pTj4kXyA7uE1fGh2_5e1f0a2b';

export interface SeededDashboard {
  /** The dashboard JSON model as Grafana stores it: uid, title, tags, panels, templating… */
  model: { uid: string; title: string; tags?: string[]; [field: string]: unknown };
  folder?: { uid: string; title: string };
  /** The account may not view it: search leaves it out, its annotations are hidden and GET answers 403. */
  restricted?: boolean;
}

export interface SeededAnnotation {
  id: number;
  /** Epoch milliseconds. */
  time: number;
  /** Epoch milliseconds: the end of a region. Defaults to `time`, a point, as Grafana stores one. */
  timeEnd?: number;
  text: string;
  tags?: string[];
  /** Absent for an organisation-wide annotation. */
  dashboardUID?: string;
  panelId?: number;
  /** Above 0 for an alert's state change; 0, the default, for what a person or tool annotated. */
  alertId?: number;
}

export interface GrafanaDoubleOptions {
  dashboards?: readonly SeededDashboard[];
  annotations?: readonly SeededAnnotation[];
  /** The service account token accepted; grafanaDoubleToken by default. */
  token?: string;
  /** `[auth.anonymous] enabled = true` with role Viewer: requests without credentials are served. */
  anonymousViewers?: boolean;
  /** `root_url` with `serve_from_sub_path = true`, e.g. `/grafana`: the API and its links live under it. */
  subPath?: string;
}

export interface RecordedGrafanaRequest {
  readonly method: string;
  /** Without the sub-path, e.g. `/api/search`. */
  readonly path: string;
  /** Each parameter's values in order (`tag` and `tags` repeat). */
  readonly query: Readonly<Record<string, readonly string[]>>;
  /** What the Authorization header held: the accepted token, something else, or nothing. */
  readonly credentials: 'token' | 'wrong-token' | 'none';
}

export interface GrafanaDouble {
  /** http://127.0.0.1:<port> and the sub-path, if any: what GRAFANA_URL would be. */
  readonly url: string;
  /** Every request received, in order, answered or refused. */
  readonly requests: readonly RecordedGrafanaRequest[];
  stop(): Promise<void>;
}

type Answer = { status: number; body: unknown };

/** An annotation as Grafana stores it: a point's end is its time, and alertId is 0 unless an alert made it. */
type StoredAnnotation = SeededAnnotation & { timeEnd: number; alertId: number };

// pkg/api/search.go: larger limits are refused; 0 or none means Grafana's default.
const maxSearchLimit = 5_000;
const defaultSearchLimit = 1_000;
// pkg/api/annotations.go.
const defaultAnnotationLimit = 100;

const notFound: Answer = { status: 404, body: { message: 'Not found' } };
// What Grafana's authn service answers for a token it does not know (pkg/services/authn/clients/api_key.go).
const invalidToken: Answer = { status: 401, body: { message: 'Invalid API key', messageId: 'api-key.invalid', statusCode: 401, traceID: '' } };
// What an API route answers a request without credentials when anonymous access is off.
const unauthenticated: Answer = { status: 401, body: { message: 'Unauthorized' } };

/** Starts a Grafana double on 127.0.0.1 at a free port. */
export async function startGrafanaDouble(options: GrafanaDoubleOptions = {}): Promise<GrafanaDouble> {
  const { dashboards = [], annotations = [], token = grafanaDoubleToken, anonymousViewers = false } = options;
  const subPath = (options.subPath ?? '').replace(/\/+$/, '');
  const requests: RecordedGrafanaRequest[] = [];

  const folders = [...new Map(dashboards.flatMap(({ folder }) => (folder ? [[folder.uid, folder] as const] : []))).values()];
  const dashboardIds = new Map(dashboards.map((dashboard, index) => [dashboard.model.uid, index + 1]));
  const folderIds = new Map(folders.map((folder, index) => [folder.uid, dashboards.length + index + 1]));
  const visible = dashboards.filter((dashboard) => !dashboard.restricted);
  const hidden = new Set(dashboards.filter((dashboard) => dashboard.restricted).map((dashboard) => dashboard.model.uid));
  const dashboardUrl = (uid: string, title: string) => `${subPath}/d/${uid}/${slugOf(title)}`;
  const folderUrl = (folder: { uid: string; title: string }) => `${subPath}/dashboards/f/${folder.uid}/${slugOf(folder.title)}`;

  const folderFields = (folder: { uid: string; title: string } | undefined) =>
    folder ? { folderId: folderIds.get(folder.uid), folderUid: folder.uid, folderTitle: folder.title, folderUrl: folderUrl(folder) } : {};

  const search = (query: URLSearchParams): Answer => {
    const limit = integerParameter(query, 'limit');
    if (limit > maxSearchLimit) {
      return { status: 422, body: { message: `Limit is above maximum allowed (${maxSearchLimit}), use page parameter to access hits beyond limit` } };
    }
    const pageSize = limit > 0 ? limit : defaultSearchLimit;
    const page = Math.max(1, integerParameter(query, 'page'));
    const title = (query.get('query') ?? '').toLowerCase();
    const tags = query.getAll('tag');
    const type = query.get('type');
    const byTitle = (left: { title: string }, right: { title: string }) => left.title.localeCompare(right.title);
    const folderHits =
      type === 'dash-db' || tags.length > 0
        ? []
        : folders
            .filter((folder) => folder.title.toLowerCase().includes(title))
            .sort(byTitle)
            .map((folder) => ({ ...hitFields(folderIds.get(folder.uid)!, folder.uid, folder.title, folderUrl(folder)), type: 'dash-folder', tags: [] }));
    const dashboardHits =
      type === 'dash-folder'
        ? []
        : visible
            .filter(({ model }) => model.title.toLowerCase().includes(title) && tags.every((tag) => (model.tags ?? []).includes(tag)))
            .sort((left, right) => byTitle(left.model, right.model))
            .map(({ model, folder }) => ({
              ...hitFields(dashboardIds.get(model.uid)!, model.uid, model.title, dashboardUrl(model.uid, model.title)),
              type: 'dash-db',
              tags: model.tags ?? [],
              ...folderFields(folder),
            }));
    const hits = [...folderHits, ...dashboardHits];
    return { status: 200, body: hits.slice((page - 1) * pageSize, page * pageSize) };
  };

  const dashboardByUid = (uid: string): Answer => {
    const found = dashboards.find(({ model }) => model.uid === uid);
    if (!found) return { status: 404, body: { message: 'Dashboard not found' } };
    if (found.restricted) {
      // pkg/services/accesscontrol/middleware.go: deny().
      return {
        status: 403,
        body: { title: 'Access denied', message: "You'll need additional permissions to perform this action. Permissions needed: dashboards:read", accessErrorId: 'ACE0419622370' },
      };
    }
    const { model, folder } = found;
    const url = dashboardUrl(model.uid, model.title);
    return {
      status: 200,
      body: {
        dashboard: { ...model, id: dashboardIds.get(model.uid), uid: model.uid, version: 1 },
        meta: {
          type: 'db',
          canSave: false,
          canEdit: false,
          canAdmin: false,
          canStar: true,
          canDelete: false,
          slug: slugOf(model.title),
          url,
          expires: '0001-01-01T00:00:00Z',
          created: '2026-01-05T09:00:00Z',
          updated: '2026-04-20T14:30:00Z',
          updatedBy: 'admin',
          createdBy: 'admin',
          version: 1,
          hasAcl: false,
          isFolder: false,
          provisioned: true,
          provisionedExternalId: `${model.uid}.json`,
          // Grafana puts a dashboard outside folders in the root: no folder fields but the title.
          ...(folder ? folderFields(folder) : { folderTitle: 'General' }),
        },
      },
    };
  };

  const findAnnotations = (query: URLSearchParams): Answer => {
    const from = integerParameter(query, 'from');
    const to = integerParameter(query, 'to');
    const limit = integerParameter(query, 'limit') || defaultAnnotationLimit;
    const type = query.get('type');
    const dashboardUid = query.get('dashboardUID');
    const tags = query.getAll('tags');
    const matchAny = query.get('matchAny') === 'true';
    const matching = annotations
      .map((annotation): StoredAnnotation => ({ ...annotation, timeEnd: annotation.timeEnd ?? annotation.time, alertId: annotation.alertId ?? 0 }))
      .filter((annotation) => annotation.dashboardUID === undefined || !hidden.has(annotation.dashboardUID))
      // The store filters on the window only when both ends are given, and keeps whatever overlaps it.
      .filter((annotation) => !(from > 0 && to > 0) || (annotation.time <= to && annotation.timeEnd >= from))
      .filter((annotation) => (type === 'alert' ? annotation.alertId > 0 : type === 'annotation' ? annotation.alertId === 0 : true))
      .filter((annotation) => !dashboardUid || annotation.dashboardUID === dashboardUid)
      .filter((annotation) => {
        if (tags.length === 0) return true;
        const has = (tag: string) => (annotation.tags ?? []).includes(tag);
        return matchAny ? tags.some(has) : tags.every(has);
      })
      .sort((left, right) => right.time - left.time || right.timeEnd - left.timeEnd);
    return { status: 200, body: matching.slice(0, limit).map((annotation) => annotationBody(annotation, dashboardIds)) };
  };

  const route = (method: string, path: string, query: URLSearchParams): Answer => {
    if (method !== 'GET') return notFound;
    if (path === '/api/search' || path === '/api/search/') return search(query);
    if (path === '/api/annotations') return findAnnotations(query);
    const dashboard = /^\/api\/dashboards\/uid\/([^/]+)$/.exec(path);
    if (dashboard?.[1]) return dashboardByUid(decodeURIComponent(dashboard[1]));
    return notFound;
  };

  const handle = (request: http.IncomingMessage, response: http.ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://grafana-double');
    const method = request.method ?? 'GET';
    const underSubPath = url.pathname === subPath || url.pathname.startsWith(`${subPath}/`);
    const path = underSubPath ? url.pathname.slice(subPath.length) || '/' : url.pathname;
    const credentials = credentialsOf(request.headers.authorization, token);
    requests.push({ method, path, query: parametersOf(url.searchParams), credentials });

    const answer = !underSubPath
      ? notFound
      : credentials === 'wrong-token'
        ? invalidToken
        : credentials === 'none' && !anonymousViewers
          ? unauthenticated
          : route(method, path, url.searchParams);
    sendJson(response, answer.status, answer.body);
  };

  const server = await listenLocally(handle);
  let stopped: Promise<void> | undefined;
  return {
    url: `${server.url}${subPath}`,
    requests,
    stop: () => (stopped ??= server.close()),
  };
}

function credentialsOf(authorization: string | undefined, token: string): RecordedGrafanaRequest['credentials'] {
  if (authorization === undefined || authorization === '') return 'none';
  return authorization === `Bearer ${token}` ? 'token' : 'wrong-token';
}

function parametersOf(searchParams: URLSearchParams): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const [name, value] of searchParams) (query[name] ??= []).push(value);
  return query;
}

// Grafana's c.QueryInt64: a missing or malformed value reads as 0.
function integerParameter(query: URLSearchParams, name: string): number {
  const text = query.get(name) ?? '';
  return /^-?\d+$/.test(text) ? Number(text) : 0;
}

function hitFields(id: number, uid: string, title: string, url: string) {
  return { id, uid, orgId: 1, title, uri: `db/${slugOf(title)}`, url, slug: '', isStarred: false, sortMeta: 0 };
}

function annotationBody(annotation: StoredAnnotation, dashboardIds: ReadonlyMap<string, number>) {
  return {
    id: annotation.id,
    alertId: annotation.alertId,
    alertName: '',
    dashboardId: annotation.dashboardUID === undefined ? 0 : (dashboardIds.get(annotation.dashboardUID) ?? 0),
    dashboardUID: annotation.dashboardUID ?? null,
    panelId: annotation.panelId ?? 0,
    userId: annotation.alertId > 0 ? 0 : 1,
    newState: '',
    prevState: '',
    created: annotation.time,
    updated: annotation.time,
    time: annotation.time,
    timeEnd: annotation.timeEnd,
    text: annotation.text,
    tags: annotation.tags ?? [],
    login: annotation.alertId > 0 ? '' : 'deploy-bot',
    email: annotation.alertId > 0 ? '' : 'deploy-bot@example.com',
    avatarUrl: '/avatar/46d229b033af06a191ff2267bca9ae56',
    data: {},
  };
}

// Grafana's slugify, for the ASCII titles tests use: lower case, runs of other characters become one dash.
function slugOf(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
