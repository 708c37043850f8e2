import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assistantClientSecret, controlPlaneClientOptions, startControlPlaneDouble } from '../../../test/control-plane-double';
import type { LocalServer } from '../../../test/http-server';
import { startTokenIssuer, type TokenIssuer } from '../../../test/token-issuer';
import { refusalOf, toolCallerAt } from '../../../test/tool-calls';
import { createControlPlaneClient, type ControlPlaneClient, type InventoryDeviceDetail } from '../../integrations/control-plane.client';
import { createGetDeviceTool } from './get-device';
import { defaultToolLimits, type ToolLimits } from './limits';
import { createListDevicesTool } from './list-devices';
import type { ToolResult } from './tool';

const id = (last: number) => `7d1c3a52-0000-4000-8000-${String(last).padStart(12, '0')}`;
const reference = (device: InventoryDeviceDetail) => ({ id: device.id, name: device.name, kind: device.kind });

const db1: InventoryDeviceDetail = { id: id(1), name: 'db-1', kind: 'database', labels: { device: 'db-1', team: 'storage' }, dependsOn: [], dependents: [] };
const cache1: InventoryDeviceDetail = { id: id(2), name: 'cache-1', kind: 'service', labels: { team: 'storage' }, dependsOn: [], dependents: [] };
const web1: InventoryDeviceDetail = {
  id: id(3),
  name: 'web-1',
  kind: 'host',
  labels: { instance: 'web-1:9100', team: 'shop' },
  dependsOn: [reference(db1), reference(cache1)],
  dependents: [],
};
const web2: InventoryDeviceDetail = { id: id(4), name: 'Web-2', kind: 'host', labels: { instance: 'web-2:9100', team: 'shop' }, dependsOn: [reference(db1)], dependents: [] };
db1.dependents = [reference(web1), reference(web2)];
cache1.dependents = [reference(web1)];
const inventory = [web2, db1, web1, cache1];

// Neither tool reads the clock.
const call = toolCallerAt(new Date());

const namesOf = (result: ToolResult) => (result.content as { devices: Array<{ name: string }> }).devices.map(({ name }) => name);

describe('inventory tools against the control plane’s read API', () => {
  let issuer: TokenIssuer;
  let controlPlane: LocalServer;
  let client: ControlPlaneClient;
  const limits: ToolLimits = { ...defaultToolLimits };

  beforeAll(async () => {
    issuer = await startTokenIssuer({ 'sre-assistant': assistantClientSecret });
    controlPlane = await startControlPlaneDouble(issuer.issuer, inventory);
    client = createControlPlaneClient(controlPlaneClientOptions(issuer.issuer, controlPlane.url));
  });
  afterAll(async () => {
    await controlPlane?.close();
    await issuer?.close();
  });

  describe('get_device', () => {
    const getDevice = (overrides: Partial<ToolLimits> = {}) => createGetDeviceTool(client, { ...limits, ...overrides });

    it('finds a device by its exact name, with its dependencies both ways', async () => {
      const result = await call(getDevice(), { device: 'web-1' });
      expect(result.content).toEqual({
        id: web1.id,
        name: 'web-1',
        kind: 'host',
        labels: { instance: 'web-1:9100', team: 'shop' },
        dependsOn: [reference(db1), reference(cache1)],
        dependents: [],
      });
      expect(result).toMatchObject({ summary: 'web-1 (host): 2 dependencies, 0 dependents', truncated: false });
    });

    it('finds a device by its id', async () => {
      const result = await call(getDevice(), { device: db1.id });
      expect(result.content).toMatchObject({ name: 'db-1', dependents: [reference(web1), reference(web2)] });
    });

    it('bounds the dependencies to maxItems and says so', async () => {
      const result = await call(getDevice({ maxItems: 1 }), { device: 'db-1' });
      expect(result.content).toMatchObject({ dependents: [reference(web1)], hint: expect.stringMatching(/get_device/) });
      expect(result).toMatchObject({ summary: 'db-1 (database): 0 dependencies, showing 1 of 2 dependents', truncated: true });
    });

    it.each([['web'], ['WEB-1'], [id(99)]])('refuses %s, which is no device’s id or exact name, naming what to do', async (device) => {
      const refusal = await refusalOf(call(getDevice(), { device }));
      expect(refusal.message).toBe(`No device has the id or name ${JSON.stringify(device)}. list_devices finds devices by part of their name or by a label.`);
    });
  });

  describe('list_devices', () => {
    const listDevices = (overrides: Partial<ToolLimits> = {}) => createListDevicesTool(client, { ...limits, ...overrides });

    it('lists every device by name, without dependencies', async () => {
      const result = await call(listDevices(), {});
      expect(namesOf(result)).toEqual(['cache-1', 'db-1', 'web-1', 'Web-2']);
      expect((result.content as { devices: unknown[] }).devices[0]).toEqual({ id: cache1.id, name: 'cache-1', kind: 'service', labels: { team: 'storage' } });
      expect(result).toMatchObject({ summary: '4 devices', truncated: false });
    });

    it('filters by part of the name in any case, and by a label value', async () => {
      expect(namesOf(await call(listDevices(), { nameContains: 'WEB' }))).toEqual(['web-1', 'Web-2']);
      const result = await call(listDevices(), { nameContains: '-1', label: { name: 'team', value: 'storage' } });
      expect(namesOf(result)).toEqual(['cache-1', 'db-1']);
      expect(result.summary).toBe('2 devices whose name contains "-1" with team="storage"');
    });

    it('shows at most maxItems devices and says how many matched', async () => {
      const result = await call(listDevices({ maxItems: 3 }), {});
      expect(namesOf(result)).toEqual(['cache-1', 'db-1', 'web-1']);
      expect(result).toMatchObject({ summary: 'showing 3 of 4 devices', truncated: true });
    });

    it('says when nothing matched', async () => {
      const result = await call(listDevices(), { label: { name: 'team', value: 'nobody' } });
      expect(result.content).toEqual({ devices: [], hint: 'No device matched: loosen the filters (a shorter part of the name, another label value) or list without them.' });
      expect(result).toMatchObject({ summary: '0 devices with team="nobody"', truncated: false });
    });
  });
});
