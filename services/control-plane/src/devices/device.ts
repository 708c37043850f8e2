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
