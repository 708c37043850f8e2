import type { DeviceKind, Labels } from '@sre/db';

export const deviceKinds = ['host', 'service', 'database', 'network', 'other'] as const satisfies readonly DeviceKind[];

export interface Device {
  id: string;
  name: string;
  kind: DeviceKind;
  labels: Labels;
  owner: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface DeviceDependency {
  id: string;
  name: string;
  kind: DeviceKind;
}

export interface DeviceDetail extends Device {
  /** Devices this one calls or needs. */
  dependsOn: DeviceDependency[];
  /** Devices that call or need this one. */
  dependents: DeviceDependency[];
}

/** One page of the inventory in name order, and where the next one starts. */
export interface DevicePage {
  devices: Device[];
  /** Present when more devices follow; pass it back as `after` to get them. */
  nextCursor: string | undefined;
}

export interface DeviceInput {
  name: string;
  kind: DeviceKind;
  owner: string | null;
  labels: Labels;
}

/** Labels as the form shows them: one `key=value` per line, sorted by key. */
export function formatLabels(labels: Labels): string {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}

/**
 * The opaque cursor that continues a name-ordered listing after `device`. Names are unique, so
 * the last name of a page is a complete keyset position on its own.
 */
export const encodeDeviceCursor = (device: Pick<Device, 'name'>): string => Buffer.from(JSON.stringify({ name: device.name })).toString('base64url');

/** The device name a cursor continues after, or undefined when the text is not one of ours. */
export function decodeDeviceCursor(value: string): string | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as { name?: unknown } | null;
    const name = parsed?.name;
    return typeof name === 'string' && name.length >= 1 && name.length <= 200 ? name : undefined;
  } catch {
    return undefined;
  }
}
