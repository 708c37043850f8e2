import { describe, expect, it } from 'vitest';
import type { InventoryDeviceDetail } from '../integrations/control-plane.client';
import { devicesNamedBy, resolveEntities } from './entities';

const names: Record<string, string> = { fe: 'frontend', web: 'web-1', db: 'db-1', cache: 'cache-1' };
const device = (id: string, name: string, labels: Record<string, string>, dependsOn: string[] = []): InventoryDeviceDetail => ({
  id,
  name,
  kind: 'host',
  labels,
  dependsOn: dependsOn.map((dependency) => ({ id: dependency, name: names[dependency]!, kind: 'host' })),
  dependents: [],
});

const web = device('web', 'web-1', { instance: 'web-1:9100' }, ['db']);
const database = device('db', 'db-1', { device: 'db-1' });
const cache = device('cache', 'cache-1', {});
const inventory = [web, database, cache];

describe('devicesNamedBy', () => {
  it('matches a device by a shared identity label', () => {
    expect(devicesNamedBy({ alertname: 'HighLoad', instance: 'web-1:9100' }, inventory).map((found) => found.name)).toEqual(['web-1']);
  });

  it('matches a device by its name in an identity label, with or without a port', () => {
    expect(devicesNamedBy({ host: 'cache-1' }, inventory).map((found) => found.name)).toEqual(['cache-1']);
    expect(devicesNamedBy({ instance: 'cache-1:6379' }, inventory).map((found) => found.name)).toEqual(['cache-1']);
  });

  it('ignores labels that do not identify anything', () => {
    expect(devicesNamedBy({ alertname: 'db-1', severity: 'web-1' }, inventory)).toEqual([]);
  });

  it('does not tie an alert to the devices of its scrape job, which all its targets share', () => {
    const exporterHost = device('host', 'build-host', { job: 'node' });
    expect(devicesNamedBy({ alertname: 'HighLoad', job: 'node' }, [...inventory, exporterHost])).toEqual([]);
  });
});

describe('resolveEntities', () => {
  it('lists the alerting devices, then what they reach, each with its selector and examined dependencies', () => {
    const frontend = device('fe', 'frontend', { service: 'frontend' }, ['web']);
    expect(resolveEntities({ service: 'frontend' }, [frontend, web, database], new Set(['fe']))).toEqual([
      { name: 'frontend', deviceId: 'fe', selector: { service: 'frontend' }, relation: 'alerting', dependsOn: ['web-1'] },
      { name: 'web-1', deviceId: 'web', selector: { instance: 'web-1:9100' }, relation: 'dependency', dependsOn: ['db-1'] },
      { name: 'db-1', deviceId: 'db', selector: { device: 'db-1' }, relation: 'dependency', dependsOn: [] },
    ]);
  });

  it('keeps only dependencies that are examined too', () => {
    expect(resolveEntities({ instance: 'web-1:9100' }, [web], new Set(['web']))[0]!.dependsOn).toEqual([]);
  });

  it('selects a device without identity labels through the label the alert found it by', () => {
    expect(resolveEntities({ instance: 'cache-1:6379' }, [cache], new Set(['cache']))[0]!.selector).toEqual({ instance: 'cache-1:6379' });
  });

  it.each(['hostname', 'node'])('finds the device an alert names by a %s label alone and selects its series by that label', (label) => {
    const alertLabels = { alertname: 'HostDown', [label]: 'cache-1' };
    expect(devicesNamedBy(alertLabels, inventory).map((found) => found.name)).toEqual(['cache-1']);
    expect(resolveEntities(alertLabels, [cache], new Set(['cache']))[0]!.selector).toEqual({ [label]: 'cache-1' });
  });

  it('names an unregistered alerting entity by its most specific identity label', () => {
    expect(resolveEntities({ service: 'api', node: 'k8s-node-1', hostname: 'api-7' }, [], new Set())[0]!.selector).toEqual({ hostname: 'api-7' });
  });

  it("falls back to the alert's own identity label when no device matches", () => {
    expect(resolveEntities({ alertname: 'DiskFull', instance: 'unknown:9100', job: 'node' }, [], new Set())).toEqual([
      { name: 'instance=unknown:9100', deviceId: null, selector: { instance: 'unknown:9100' }, relation: 'alerting', dependsOn: [] },
    ]);
  });

  it('finds nothing to examine when the alert names no entity', () => {
    expect(resolveEntities({ alertname: 'Watchdog' }, [], new Set())).toEqual([]);
  });
});
