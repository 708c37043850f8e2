import { createAccessTokenVerifier, type VerifiedAccessToken } from '@sre/auth';
import type { AuditLogEntry, ControlPlaneClientOptions, HistoricalAlert, InventoryDeviceDetail } from '../src/integrations/control-plane.client';
import { listenLocally, sendJson, type LocalServer } from './http-server';

export const controlPlaneAudience = 'urn:sre-platform:control-plane';

/** The assistant's client secret in development, which the tests' token issuer is given too. */
export const assistantClientSecret = 'dev-sre-assistant-secret';

/** How the assistant reaches a control plane at `baseUrl` as client sre-assistant of `issuerUrl`, with a short deadline. */
export function controlPlaneClientOptions(issuerUrl: string, baseUrl: string): ControlPlaneClientOptions {
  return {
    baseUrl,
    audience: controlPlaneAudience,
    issuerUrl,
    clientId: 'sre-assistant',
    clientSecret: assistantClientSecret,
    allowInsecureRequests: true,
    timeoutMs: 1_000,
  };
}

/** What the double's history endpoints answer with. */
export interface ControlPlaneHistory {
  /** `GET /api/v1/alerts` answers these, newest first as given. */
  alerts?: readonly HistoricalAlert[];
  /** `GET /api/v1/audit` answers these, newest first as given. */
  auditEntries?: readonly AuditLogEntry[];
}

export interface ControlPlaneDouble extends LocalServer {
  /** Every authorised API request, in order: what the client asked for (path and query). */
  readonly requests: URL[];
}

type Answer = { status: number; body: unknown };

const maxDevicePage = 500;
const defaultHistoryLimit = 50;
const maxHistoryLimit = 200;

/**
 * The control plane's read-only API as its routes answer it: a client-credentials JWT for
 * `urn:sre-platform:control-plane` with scope `controlplane.read` gets `GET /api/v1/info`,
 * `GET /api/v1/devices` (pages of `limit`, by name, with an opaque `next` cursor) and
 * `GET /api/v1/devices/{id}` (from `devices`), `GET /api/v1/alerts` and `GET /api/v1/audit`
 * (from `history`); anything else a 401 or 403.
 *
 * The history endpoints answer with the shapes, the `limit` (→ `truncated`) and the 404 for an
 * unknown `device` of the real ones, but answer every window and filter with the same items:
 * what the filters mean is the control plane's, tested there. Tests here read `requests` to see
 * what the client asked for.
 */
export async function startControlPlaneDouble(
  issuer: string,
  devices: readonly InventoryDeviceDetail[] = [],
  history: ControlPlaneHistory = {},
): Promise<ControlPlaneDouble> {
  const verify = createAccessTokenVerifier({ issuer, audience: controlPlaneAudience });
  const requests: URL[] = [];
  const byName = [...devices].sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));

  const devicePage = (query: URLSearchParams): Answer => {
    const limit = integerParameter(query, 'limit', maxDevicePage, maxDevicePage);
    if (limit === undefined) return badParameter('limit', `an integer from 1 to ${maxDevicePage}`);
    const after = query.get('after');
    const afterName = after === null ? undefined : cursorName(after);
    if (after !== null && afterName === undefined) return badParameter('after', 'the `next` cursor of the previous page');
    const rest = afterName === undefined ? byName : byName.filter((device) => device.name > afterName);
    const page = rest.slice(0, limit).map(({ dependsOn: _dependsOn, dependents: _dependents, ...device }) => device);
    return { status: 200, body: { items: page, next: rest.length > limit ? cursorOf(page.at(-1)!.name) : null } };
  };

  const boundedList = (query: URLSearchParams, items: readonly unknown[]): Answer => {
    const limit = integerParameter(query, 'limit', maxHistoryLimit, defaultHistoryLimit);
    if (limit === undefined) return badParameter('limit', `an integer from 1 to ${maxHistoryLimit}`);
    return { status: 200, body: { items: items.slice(0, limit), truncated: items.length > limit } };
  };

  const answer = (url: URL, caller: VerifiedAccessToken): Answer | undefined => {
    if (url.pathname === '/api/v1/info') return { status: 200, body: { service: 'control-plane', version: '0.1.0', caller: { clientId: caller.clientId, scopes: [...caller.scopes] } } };
    if (url.pathname === '/api/v1/devices') return devicePage(url.searchParams);
    if (url.pathname === '/api/v1/alerts') {
      const device = url.searchParams.get('device');
      if (device !== null && !devices.some(({ id }) => id === device)) return { status: 404, body: problem(404, 'Not found', 'the device was not found') };
      return boundedList(url.searchParams, history.alerts ?? []);
    }
    if (url.pathname === '/api/v1/audit') return boundedList(url.searchParams, history.auditEntries ?? []);
    const id = /^\/api\/v1\/devices\/([^/]+)$/.exec(url.pathname)?.[1];
    const device = id === undefined ? undefined : devices.find((candidate) => candidate.id === decodeURIComponent(id));
    return device && { status: 200, body: device };
  };

  const server = await listenLocally(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://control-plane.test');
    const isKnownPath = ['/api/v1/info', '/api/v1/devices', '/api/v1/alerts', '/api/v1/audit'].includes(url.pathname) || /^\/api\/v1\/devices\/[^/]+$/.test(url.pathname);
    if (request.method !== 'GET' || !isKnownPath) {
      sendJson(response, 404, problem(404, 'Not found', 'this page was not found'));
      return;
    }
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    let caller: VerifiedAccessToken;
    try {
      caller = await verify(token);
    } catch {
      response.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      sendJson(response, 401, problem(401, 'Authentication required', 'a valid bearer token is required'));
      return;
    }
    if (!caller.scopes.has('controlplane.read')) {
      response.setHeader('WWW-Authenticate', 'Bearer error="insufficient_scope", scope="controlplane.read"');
      sendJson(response, 403, problem(403, 'Not allowed', 'the token lacks the scope controlplane.read'));
      return;
    }
    requests.push(url);
    const { status, body } = answer(url, caller) ?? { status: 404, body: problem(404, 'Not found', 'the device was not found') };
    response.writeHead(status, { 'content-type': status === 200 ? 'application/json' : 'application/problem+json' }).end(JSON.stringify(body));
  });
  return { ...server, requests };
}

// The real cursor is opaque too; this one holds the last name of the page, as the control plane's does.
const cursorOf = (name: string) => Buffer.from(JSON.stringify({ name })).toString('base64url');

function cursorName(cursor: string): string | undefined {
  try {
    const { name } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { name?: unknown };
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

// The parameter as an integer in 1..max, `fallback` when absent, undefined when malformed.
function integerParameter(query: URLSearchParams, name: string, max: number, fallback: number): number | undefined {
  const text = query.get(name);
  if (text === null) return fallback;
  const value = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
  return value >= 1 && value <= max ? value : undefined;
}

const problem = (status: number, title: string, detail: string, errors?: Array<{ path: string; message: string }>) => ({
  type: `urn:sre-platform:problem:${status === 400 ? 'bad_request' : status === 404 ? 'not_found' : status === 401 ? 'unauthenticated' : 'forbidden'}`,
  title,
  status,
  detail,
  ...(errors && { errors }),
});

const badParameter = (parameter: string, message: string): Answer => ({
  status: 400,
  body: problem(400, 'Bad request', `invalid query parameters: ${parameter}`, [{ path: parameter, message }]),
});
