import type { InventoryDevice, InventoryDeviceDetail } from '../integrations/control-plane.client';

/** Something whose metrics may explain the alert: a device of the inventory, or what the alert's labels name. */
export interface Entity {
  name: string;
  deviceId: string | null;
  /** The label matcher that selects its series in VictoriaMetrics. */
  selector: Record<string, string>;
  /** The alert fired on it, or something it fired on depends on it. */
  relation: 'alerting' | 'dependency';
}

// Labels that name where an alert or a series comes from, most specific first. The first one a
// device carries selects its series.
const identityLabels = ['device', 'instance', 'host', 'node', 'pod', 'service'] as const;

/** The value without a `:port` suffix: `db-1:9100` names the host `db-1`. */
const withoutPort = (value: string) => value.replace(/:\d+$/, '');

/** The inventory devices the alert's labels point at: by name, or by a shared identity label. */
export function devicesNamedBy(alertLabels: Record<string, string>, devices: readonly InventoryDevice[]): InventoryDevice[] {
  const values = new Set(identityLabels.flatMap((label) => (alertLabels[label] ? [alertLabels[label], withoutPort(alertLabels[label])] : [])));
  return devices.filter(
    (device) => values.has(device.name) || identityLabels.some((label) => alertLabels[label] !== undefined && device.labels[label] === alertLabels[label]),
  );
}

/**
 * The entities to examine, alerting ones first, then what they depend on (a failing dependency
 * is the classic root cause). Without a matching device the alert's own identity label is used,
 * so an alert on an unregistered host is still diagnosed.
 */
export function resolveEntities(
  alertLabels: Record<string, string>,
  alerting: readonly InventoryDeviceDetail[],
  inventory: readonly InventoryDevice[],
  limit = 10,
): Entity[] {
  const byId = new Map(inventory.map((device) => [device.id, device]));
  const entities = new Map<string, Entity>();
  for (const device of alerting) {
    entities.set(device.id, { name: device.name, deviceId: device.id, selector: selectorOf(device, alertLabels), relation: 'alerting' });
  }
  for (const dependency of alerting.flatMap((device) => device.dependsOn)) {
    const device = byId.get(dependency.id);
    if (!device || entities.has(device.id)) continue;
    entities.set(device.id, { name: device.name, deviceId: device.id, selector: selectorOf(device, {}), relation: 'dependency' });
  }
  if (entities.size === 0) {
    const label = identityLabels.find((name) => alertLabels[name] !== undefined);
    if (label) return [{ name: `${label}=${alertLabels[label]}`, deviceId: null, selector: { [label]: alertLabels[label]! }, relation: 'alerting' }];
  }
  return [...entities.values()].slice(0, limit);
}

// A device that carries no identity label is selected through the label the alert used to
// find it, and failing that by its name in a `device` label (the convention of our scrapes).
function selectorOf(device: InventoryDevice, alertLabels: Record<string, string>): Record<string, string> {
  const own = identityLabels.find((label) => device.labels[label] !== undefined);
  if (own) return { [own]: device.labels[own]! };
  const viaAlert = identityLabels.find((label) => alertLabels[label] !== undefined && withoutPort(alertLabels[label]) === device.name);
  if (viaAlert) return { [viaAlert]: alertLabels[viaAlert]! };
  return { device: device.name };
}
