import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlaneUnderTest } from '../../test/harness';
import type { Access } from './access';

// What each route must allow, stated independently of the code. A route the app serves that is
// missing here fails the first test: nobody adds a route without deciding who may call it.
const expectedAccess: Record<string, Access> = {
  'GET /healthz': 'anonymous',
  'GET /readyz': 'anonymous',
  'GET /metrics': 'anonymous',
  'GET /assets/:file': 'anonymous',
  'GET /': 'public',
  'GET /auth/login': 'public',
  'GET /auth/callback': 'public',
  'POST /auth/logout': 'signed-in',
  'GET /system-status': 'viewer',
  'GET /alerts': 'viewer',
  'GET /alerts/:id': 'viewer',
  'GET /alerts/:id/chart': 'viewer',
  'POST /alerts/:id/acknowledge': 'operator',
  'GET /alerts/:id/diagnosis': 'viewer',
  'POST /alerts/:id/diagnose': 'operator',
  // Asking runs a language model, which costs money: viewers may not ask, nor read the questions.
  'GET /ask': 'operator',
  'POST /ask': 'operator',
  'GET /ask/:id': 'operator',
  'GET /devices': 'viewer',
  'GET /devices/new': 'admin',
  'POST /devices': 'admin',
  'GET /devices/:id': 'viewer',
  'GET /devices/:id/edit': 'admin',
  'POST /devices/:id': 'admin',
  'GET /api/v1/info': { scope: 'controlplane.read' },
  'GET /api/v1/devices': { scope: 'controlplane.read' },
  'GET /api/v1/devices/:id': { scope: 'controlplane.read' },
  'GET /api/v1/alerts': { scope: 'controlplane.read' },
  'GET /api/v1/audit': { scope: 'controlplane.read' },
  'POST /api/v1/alerts/alertmanager': { sharedSecret: 'alertmanager' },
};

type Credentials = { cookie?: string; csrfToken?: string; bearer?: string };
type Caller = 'anonymous' | 'no-role' | 'viewer' | 'operator' | 'admin' | 'service' | 'alertmanager';
const callers: Caller[] = ['anonymous', 'no-role', 'viewer', 'operator', 'admin', 'service', 'alertmanager'];
const rank: Record<string, number> = { viewer: 1, operator: 2, admin: 3 };

/** The outcome a caller must get: allowed, or the exact refusal. */
function expectedOutcome(access: Access, caller: Caller, method: string): 'allowed' | 'login' | 401 | 403 {
  if (access === 'anonymous') return 'allowed';
  if (typeof access === 'object') return caller === ('scope' in access ? 'service' : 'alertmanager') ? 'allowed' : 401;
  if (access === 'public') return 'allowed';
  const unsafe = method !== 'GET';
  if (caller === 'anonymous' || caller === 'service' || caller === 'alertmanager') return unsafe ? 403 : 'login'; // no session: CSRF refuses first
  if (access === 'signed-in') return 'allowed';
  return (rank[caller] ?? 0) >= (rank[access] ?? 99) ? 'allowed' : 403;
}

describe('every route enforces its access rule on the server', () => {
  let controlPlane: ControlPlaneUnderTest;
  let deviceId: string;
  let alertId: string;
  const credentials = new Map<Caller, Credentials>();

  beforeAll(async () => {
    controlPlane = await startControlPlane();
    const device = await controlPlane.database.db
      .insertInto('devices')
      .values({ name: 'matrix-host', kind: 'host', labels: {} })
      .returning('id')
      .executeTakeFirstOrThrow();
    deviceId = device.id;
    const alert = await controlPlane.database.db
      .insertInto('alerts')
      .values({ fingerprint: 'f00d', status: 'firing', labels: { alertname: 'MatrixAlert' }, starts_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    alertId = alert.id;
    credentials.set('anonymous', {});
    credentials.set('no-role', await controlPlane.sessionFor([]));
    for (const role of ['viewer', 'operator', 'admin'] as const) credentials.set(role, await controlPlane.sessionFor([role]));
    credentials.set('service', { bearer: await controlPlane.serviceToken() });
    credentials.set('alertmanager', { bearer: controlPlane.webhookToken });
  });
  afterAll(async () => {
    await controlPlane.close();
  });

  it('has an expectation for exactly the routes the app serves', () => {
    const served = controlPlane.routes.map((route) => `${route.method.toUpperCase()} ${route.path}`).sort();
    expect(served).toEqual(Object.keys(expectedAccess).sort());
    for (const route of controlPlane.routes) {
      expect(route.access, `${route.method.toUpperCase()} ${route.path}`).toEqual(expectedAccess[`${route.method.toUpperCase()} ${route.path}`]);
    }
  });

  const cases = Object.entries(expectedAccess).flatMap(([route, access]) =>
    callers.map((caller) => ({ route, access, caller, outcome: expectedOutcome(access, caller, route.split(' ')[0]!) })),
  );

  it.each(cases)('$route as $caller → $outcome', async ({ route, caller, outcome }) => {
    const [method, template] = route.split(' ') as [string, string];
    const path = template.replace(':id', template.startsWith('/alerts') ? alertId : deviceId).replace(':file', 'app.css');
    // Logging out ends the session, and starting a login replaces it with a login in progress:
    // give those cases a session of their own so later cases keep theirs.
    const ownsSession = ['POST /auth/logout', 'GET /auth/login'].includes(route) && ['no-role', 'viewer', 'operator', 'admin'].includes(caller);
    const { cookie, csrfToken, bearer }: Credentials = ownsSession
      ? await controlPlane.sessionFor(caller === 'no-role' ? [] : [caller])
      : credentials.get(caller)!;
    const headers: Record<string, string> = {};
    if (cookie) headers.cookie = cookie;
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    if (csrfToken && method !== 'GET') headers['x-csrf-token'] = csrfToken;
    if (method !== 'GET') headers['content-type'] = 'application/x-www-form-urlencoded';

    const response = await fetch(`${controlPlane.url}${path}`, { method, headers, redirect: 'manual', body: method === 'GET' ? undefined : '' });
    const location = response.headers.get('location') ?? '';
    if (outcome === 'login') {
      expect(response.status).toBe(303);
      expect(location).toMatch(/^\/auth\/login\?returnTo=/);
    } else if (outcome === 'allowed') {
      expect([401, 403]).not.toContain(response.status);
      expect(location).not.toMatch(/^\/auth\/login/);
    } else {
      expect(response.status).toBe(outcome);
    }
  });
});
