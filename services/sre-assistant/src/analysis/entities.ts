import { deviceIdentityLabels } from '@sre/db';
import type { InventoryDevice, InventoryDeviceDetail } from '../integrations/control-plane.client';

/** Something whose metrics may explain the alert: a device of the inventory, or what the alert's labels name. */
export interface Entity {
  name: string;
  deviceId: string | null;
  /** The one label matcher that selects its series in VictoriaMetrics. */
  selector: Record<string, string>;
  /** The alert fired on it, or something it fired on depends on it (directly or further down). */
  relation: 'alerting' | 'dependency';
  /** Names of the examined entities it calls or needs: where its own symptoms may come from. */
  dependsOn: string[];
}

/** The value without a `:port` suffix: `db-1:9100` names the host `db-1`. */
const withoutPort = (value: string) => value.replace(/:\d+$/, '');

/** The inventory devices the alert's labels point at: by name, or by a shared identity label. */
export function devicesNamedBy(alertLabels: Record<string, string>, devices: readonly InventoryDevice[]): InventoryDevice[] {
  const values = new Set(deviceIdentityLabels.flatMap((label) => (alertLabels[label] ? [alertLabels[label], withoutPort(alertLabels[label])] : [])));
  return devices.filter(
    (device) => values.has(device.name) || deviceIdentityLabels.some((label) => alertLabels[label] !== undefined && device.labels[label] === alertLabels[label]),
  );
}

/**
 * The entities to examine: the alerting devices and everything they reach through their
 * dependencies (a failing dependency is the classic root cause), each with the dependencies
 * that are examined too. `reached` lists the alerting devices first, then the rest in the order
 * they were found. Without a matching device the alert's own identity label is used, so an alert
 * on an unregistered host is still diagnosed.
 */
export function resolveEntities(alertLabels: Record<string, string>, reached: readonly InventoryDeviceDetail[], alertingIds: ReadonlySet<string>): Entity[] {
  if (reached.length === 0) {
    const label = deviceIdentityLabels.find((name) => alertLabels[name] !== undefined);
    if (!label) return [];
    return [{ name: `${label}=${alertLabels[label]}`, deviceId: null, selector: { [label]: alertLabels[label]! }, relation: 'alerting', dependsOn: [] }];
  }
  const examined = new Set(reached.map((device) => device.id));
  return reached.map((device) => ({
    name: device.name,
    deviceId: device.id,
    selector: selectorOf(device, alertingIds.has(device.id) ? alertLabels : {}),
    relation: alertingIds.has(device.id) ? 'alerting' : 'dependency',
    dependsOn: device.dependsOn.filter((dependency) => examined.has(dependency.id)).map((dependency) => dependency.name),
  }));
}

// A device is selected by the most specific identity label it carries. One that carries none is
// selected through the label the alert used to find it, and failing that by its name in a
// `device` label (the convention of our scrapes).
function selectorOf(device: InventoryDevice, alertLabels: Record<string, string>): Record<string, string> {
  const own = deviceIdentityLabels.find((label) => device.labels[label] !== undefined);
  if (own) return { [own]: device.labels[own]! };
  const viaAlert = deviceIdentityLabels.find((label) => alertLabels[label] !== undefined && withoutPort(alertLabels[label]) === device.name);
  if (viaAlert) return { [viaAlert]: alertLabels[viaAlert]! };
  return { device: device.name };
}
