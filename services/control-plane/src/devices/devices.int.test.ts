import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlaneUnderTest } from '../../test/harness';

describe('devices: create and edit as admin, read as viewer', () => {
  let controlPlane: ControlPlaneUnderTest;
  let admin: { cookie: string; csrfToken: string; userId: string };
  let viewer: { cookie: string; csrfToken: string };

  const post = (path: string, who: { cookie: string; csrfToken: string }, form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${controlPlane.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ _csrf: who.csrfToken, ...form }),
    });
  const devices = () => controlPlane.database.db.selectFrom('devices').select(['name', 'kind', 'owner', 'labels']).orderBy('name').execute();

  beforeAll(async () => {
    controlPlane = await startControlPlane();
    admin = await controlPlane.sessionFor(['admin']);
    viewer = await controlPlane.sessionFor(['viewer']);
  });
  beforeEach(async () => {
    await controlPlane.database.db.deleteFrom('devices').execute();
  });
  afterAll(async () => {
    await controlPlane.close();
  });

  it('creates a device from a plain form post, audits it, and redirects (post/redirect/get)', async () => {
    const response = await post('/devices', admin, { name: 'web-1', kind: 'host', owner: 'team-web', labels: 'instance=web-1:9100\nservice=checkout' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/devices');
    expect(await devices()).toEqual([{ name: 'web-1', kind: 'host', owner: 'team-web', labels: { instance: 'web-1:9100', service: 'checkout' } }]);
    const audit = await controlPlane.database.db.selectFrom('audit_log').select(['actor', 'action', 'details']).where('action', '=', 'device.create').execute();
    expect(audit).toEqual([{ actor: admin.userId, action: 'device.create', details: expect.objectContaining({ name: 'web-1' }) }]);
  });

  it('answers htmx with the refreshed panel fragment, not a whole page', async () => {
    const response = await post('/devices', admin, { name: 'db-1', kind: 'database', owner: '', labels: '' }, { 'HX-Request': 'true', 'HX-Request-Type': 'partial' });
    expect(response.status).toBe(200);
    expect(response.headers.get('vary')).toContain('HX-Request-Type');
    const html = await response.text();
    expect(html.startsWith('<section id="devices-panel"')).toBe(true);
    expect(html).toContain('Created db-1');
    expect(html).not.toContain('<html');
  });

  it('shows field errors with 422 and stores nothing', async () => {
    const response = await post('/devices', admin, { name: '', kind: 'toaster', owner: '', labels: 'not a label' }, { 'HX-Request-Type': 'partial' });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('id="device-name-error"');
    expect(html).toContain('one of host, service, database, network, other');
    expect(html).toContain('line 1: write key=value');
    expect(await devices()).toEqual([]);
  });

  it('refuses a duplicate name as a field error', async () => {
    await post('/devices', admin, { name: 'web-1', kind: 'host', owner: '', labels: '' });
    const response = await post('/devices', admin, { name: 'web-1', kind: 'service', owner: '', labels: '' });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('another device already has this name');
    expect(await devices()).toHaveLength(1);
  });

  it('escapes what users typed: markup in labels is shown, never executed', async () => {
    await post('/devices', admin, { name: 'web-2', kind: 'host', owner: '<img src=x onerror=alert(1)>', labels: 'note=<script>alert(1)</script>' });
    const page = await (await fetch(`${controlPlane.url}/devices`, { headers: { cookie: viewer.cookie } })).text();
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('note=&lt;script>alert(1)&lt;/script>');
  });

  it('edits a device and audits before and after', async () => {
    await post('/devices', admin, { name: 'web-3', kind: 'host', owner: '', labels: '' });
    const [row] = await controlPlane.database.db.selectFrom('devices').select('id').execute();
    const response = await post(`/devices/${row!.id}`, admin, { name: 'web-3', kind: 'service', owner: 'team-b', labels: 'tier=1' });
    expect(response.status).toBe(303);
    expect(await devices()).toEqual([{ name: 'web-3', kind: 'service', owner: 'team-b', labels: { tier: '1' } }]);
    const update = await controlPlane.database.db.selectFrom('audit_log').select('details').where('action', '=', 'device.update').executeTakeFirstOrThrow();
    expect(update.details).toMatchObject({ before: { kind: 'host', owner: null }, after: { kind: 'service', owner: 'team-b' } });
  });

  it('refuses writes without the CSRF token, and from viewers, storing nothing', async () => {
    const withoutToken = await fetch(`${controlPlane.url}/devices`, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: 'sneaky', kind: 'host' }),
    });
    expect(withoutToken.status).toBe(403);
    const crossSite = await post('/devices', admin, { name: 'sneaky', kind: 'host', owner: '', labels: '' }, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    const asViewer = await post('/devices', viewer, { name: 'sneaky', kind: 'host', owner: '', labels: '' });
    expect(asViewer.status).toBe(403);
    expect(await devices()).toEqual([]);
  });

  it('serves the inventory to the assistant over the read-only API with a service token', async () => {
    await post('/devices', admin, { name: 'api-1', kind: 'service', owner: '', labels: 'service=api' });
    const response = await fetch(`${controlPlane.url}/api/v1/devices`, { headers: { authorization: `Bearer ${await controlPlane.serviceToken()}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { items: Array<{ name: string; labels: Record<string, string> }> };
    expect(body.items.map(({ name, labels }) => ({ name, labels }))).toEqual([{ name: 'api-1', labels: { service: 'api' } }]);

    const withCookieOnly = await fetch(`${controlPlane.url}/api/v1/devices`, { headers: { cookie: admin.cookie } });
    expect(withCookieOnly.status).toBe(401);
    expect(withCookieOnly.headers.get('content-type')).toContain('application/problem+json');
  });
});
