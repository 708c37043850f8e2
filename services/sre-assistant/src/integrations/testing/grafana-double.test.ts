// The double stands in for Grafana only if it answers as Grafana does, so this checks it on the
// wire with plain fetch: authentication, the parameters each endpoint honours, and the bodies.
import { afterEach, describe, expect, it } from 'vitest';
import { grafanaDoubleToken, startGrafanaDouble, type GrafanaDouble, type GrafanaDoubleOptions, type SeededAnnotation, type SeededDashboard } from './grafana-double';

const hostOverview: SeededDashboard = {
  model: { uid: 'sre-host-overview', title: 'Host overview', tags: ['linux', 'sre'], panels: [{ id: 1, type: 'timeseries', title: 'CPU' }] },
  folder: { uid: 'platform', title: 'Platform' },
};
const nodeDetails: SeededDashboard = { model: { uid: 'node-details', title: 'Node details', tags: ['linux'] } };
const payroll: SeededDashboard = { model: { uid: 'payroll', title: 'Payroll hosts', tags: ['linux'] }, restricted: true };

const minute = 60_000;
const start = Date.parse('2026-05-01T09:00:00Z');
const deploy: SeededAnnotation = { id: 11, time: start + 30 * minute, text: 'deploy checkout v2.4.1', tags: ['deploy', 'checkout'], dashboardUID: 'sre-host-overview', panelId: 1 };
const maintenance: SeededAnnotation = { id: 12, time: start - 30 * minute, timeEnd: start + 10 * minute, text: 'db maintenance', tags: ['maintenance'] };
const alertState: SeededAnnotation = { id: 13, time: start + 40 * minute, text: 'CPU high', alertId: 7, dashboardUID: 'sre-host-overview' };
const secret: SeededAnnotation = { id: 14, time: start + 20 * minute, text: 'payroll run', tags: ['deploy'], dashboardUID: 'payroll' };
const lastWeek: SeededAnnotation = { id: 15, time: start - 7 * 24 * 60 * minute, text: 'old deploy', tags: ['deploy'] };

describe('grafana double', () => {
  let double: GrafanaDouble;
  afterEach(async () => {
    await double?.stop();
  });

  const startDouble = async (options: GrafanaDoubleOptions = {}) => {
    double = await startGrafanaDouble({ dashboards: [hostOverview, nodeDetails, payroll], annotations: [deploy, maintenance, alertState, secret, lastWeek], ...options });
    return double;
  };

  const get = async (path: string, authorization: string | null = `Bearer ${grafanaDoubleToken}`) => {
    const response = await fetch(`${double.url}${path}`, { headers: authorization === null ? {} : { authorization } });
    return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as unknown };
  };

  describe('authentication', () => {
    it('answers a request without credentials 401 Unauthorized, and one with another token 401 Invalid API key', async () => {
      await startDouble();
      expect(await get('/api/search', null)).toEqual({ status: 401, type: 'application/json', body: { message: 'Unauthorized' } });
      expect(await get('/api/search', 'Bearer glsa_someone-else')).toMatchObject({
        status: 401,
        body: { message: 'Invalid API key', messageId: 'api-key.invalid', statusCode: 401 },
      });
      expect((await get('/api/search')).status).toBe(200);
      expect(double.requests.map(({ credentials }) => credentials)).toEqual(['none', 'wrong-token', 'token']);
    });

    it('serves anonymous viewers when they are admitted, yet still refuses a token it does not know', async () => {
      await startDouble({ anonymousViewers: true });
      expect((await get('/api/dashboards/uid/node-details', null)).status).toBe(200);
      expect((await get('/api/dashboards/uid/node-details', 'Bearer glsa_someone-else')).status).toBe(401);
    });
  });

  describe('GET /api/search', () => {
    it('finds dashboards by part of the title in any case, by title, leaving out what the account may not view', async () => {
      await startDouble();
      const { body } = await get('/api/search?type=dash-db&query=O');
      expect(body).toEqual([
        {
          id: 1,
          uid: 'sre-host-overview',
          orgId: 1,
          title: 'Host overview',
          uri: 'db/host-overview',
          url: '/d/sre-host-overview/host-overview',
          slug: '',
          type: 'dash-db',
          tags: ['linux', 'sre'],
          isStarred: false,
          sortMeta: 0,
          folderId: 4,
          folderUid: 'platform',
          folderTitle: 'Platform',
          folderUrl: '/dashboards/f/platform/platform',
        },
        { id: 2, uid: 'node-details', orgId: 1, title: 'Node details', uri: 'db/node-details', url: '/d/node-details/node-details', slug: '', type: 'dash-db', tags: ['linux'], isStarred: false, sortMeta: 0 },
      ]);
    });

    it('lists folders too unless type=dash-db is asked for, and needs every tag given', async () => {
      await startDouble();
      const titles = async (query: string) => ((await get(`/api/search${query}`)).body as Array<{ title: string; type: string }>).map(({ title, type }) => `${type}:${title}`);
      expect(await titles('')).toEqual(['dash-folder:Platform', 'dash-db:Host overview', 'dash-db:Node details']);
      expect(await titles('?tag=linux&tag=sre')).toEqual(['dash-db:Host overview']);
      expect(await titles('?tag=linux&tag=windows')).toEqual([]);
    });

    it('pages by limit and page, and refuses a limit above 5000 with 422', async () => {
      await startDouble();
      const uids = async (query: string) => ((await get(`/api/search?type=dash-db&${query}`)).body as Array<{ uid: string }>).map(({ uid }) => uid);
      expect(await uids('limit=1')).toEqual(['sre-host-overview']);
      expect(await uids('limit=1&page=2')).toEqual(['node-details']);
      expect(await uids('limit=many')).toEqual(['sre-host-overview', 'node-details']);
      expect(await get('/api/search?limit=5001')).toEqual({
        status: 422,
        type: 'application/json',
        body: { message: 'Limit is above maximum allowed (5000), use page parameter to access hits beyond limit' },
      });
    });
  });

  describe('GET /api/dashboards/uid/{uid}', () => {
    it('answers the stored model with its meta', async () => {
      await startDouble();
      const { status, body } = await get('/api/dashboards/uid/sre-host-overview');
      expect(status).toBe(200);
      expect(body).toMatchObject({
        dashboard: { ...hostOverview.model, id: 1, version: 1 },
        meta: { url: '/d/sre-host-overview/host-overview', slug: 'host-overview', folderUid: 'platform', folderTitle: 'Platform', canEdit: false },
      });
      expect((await get('/api/dashboards/uid/node-details')).body).toMatchObject({ meta: { folderTitle: 'General' } });
    });

    it('answers 404 for an unknown uid and 403 for a dashboard the account may not view, with Grafana’s bodies', async () => {
      await startDouble();
      expect(await get('/api/dashboards/uid/nope')).toEqual({ status: 404, type: 'application/json', body: { message: 'Dashboard not found' } });
      expect(await get('/api/dashboards/uid/payroll')).toMatchObject({
        status: 403,
        body: { title: 'Access denied', message: expect.stringContaining('Permissions needed: dashboards:read') },
      });
    });
  });

  describe('GET /api/annotations', () => {
    const ids = async (query: string) => ((await get(`/api/annotations${query}`)).body as Array<{ id: number }>).map(({ id }) => id);
    const window = `from=${start}&to=${start + 60 * minute}`;

    it('keeps what overlaps the window, newest first, and never a dashboard the account may not view', async () => {
      await startDouble();
      expect(await ids(`?${window}`)).toEqual([13, 11, 12]);
      // Without both ends there is no window at all.
      expect(await ids(`?from=${start}`)).toEqual([13, 11, 12, 15]);
    });

    it('filters by type, dashboard and tags (all of them, or any with matchAny)', async () => {
      await startDouble();
      expect(await ids(`?${window}&type=annotation`)).toEqual([11, 12]);
      expect(await ids(`?${window}&type=alert`)).toEqual([13]);
      expect(await ids(`?${window}&dashboardUID=sre-host-overview&type=annotation`)).toEqual([11]);
      expect(await ids('?tags=deploy')).toEqual([11, 15]);
      expect(await ids('?tags=deploy&tags=checkout')).toEqual([11]);
      expect(await ids('?tags=checkout&tags=maintenance&matchAny=true')).toEqual([11, 12]);
    });

    it('answers at most limit annotations, 100 by default, in Grafana’s shape', async () => {
      const many = Array.from({ length: 120 }, (_, index): SeededAnnotation => ({ id: index + 1, time: start + index * minute, text: `event ${index + 1}` }));
      await startDouble({ annotations: many });
      expect(await ids('')).toHaveLength(100);
      expect(await ids('?limit=2')).toEqual([120, 119]);
      expect(((await get('/api/annotations?limit=1')).body as unknown[])[0]).toEqual({
        id: 120,
        alertId: 0,
        alertName: '',
        dashboardId: 0,
        dashboardUID: null,
        panelId: 0,
        userId: 1,
        newState: '',
        prevState: '',
        created: start + 119 * minute,
        updated: start + 119 * minute,
        time: start + 119 * minute,
        timeEnd: start + 119 * minute,
        text: 'event 120',
        tags: [],
        login: 'deploy-bot',
        email: 'deploy-bot@example.com',
        avatarUrl: '/avatar/46d229b033af06a191ff2267bca9ae56',
        data: {},
      });
    });
  });

  it('serves the API and its links under a sub-path, and nothing outside it', async () => {
    await startDouble({ subPath: '/grafana/' });
    expect(double.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/grafana$/);
    expect((await get('/api/dashboards/uid/node-details')).body).toMatchObject({ meta: { url: '/grafana/d/node-details/node-details' } });
    const outside = await fetch(`${new URL(double.url).origin}/api/search`, { headers: { authorization: `Bearer ${grafanaDoubleToken}` } });
    expect(outside.status).toBe(404);
    expect(double.requests.map(({ path }) => path)).toEqual(['/api/dashboards/uid/node-details', '/api/search']);
  });

  it('records each request’s path and repeated parameters, and answers unknown routes 404 Not found', async () => {
    await startDouble();
    expect(await get('/api/datasources')).toEqual({ status: 404, type: 'application/json', body: { message: 'Not found' } });
    await get('/api/annotations?tags=deploy&tags=checkout&limit=5');
    expect(double.requests.at(-1)).toEqual({ method: 'GET', path: '/api/annotations', query: { tags: ['deploy', 'checkout'], limit: ['5'] }, credentials: 'token' });
  });
});
