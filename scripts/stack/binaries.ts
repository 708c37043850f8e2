import { accessSync, constants } from 'node:fs';

/** A program of the local stack, where Debian installs it, and the package that does. */
export interface StackBinary {
  name: string;
  path: string;
  debianPackage: string;
}

// Debian's paths only: these are the builds the stack is checked against (VictoriaMetrics 1.79,
// Alertmanager 0.25, node-exporter 1.5), and a fixed path never picks up a stray binary.
export const stackBinaries = {
  victoriaMetrics: { name: 'VictoriaMetrics', path: '/usr/bin/victoria-metrics', debianPackage: 'victoria-metrics' },
  vmalert: { name: 'vmalert', path: '/usr/bin/vmalert', debianPackage: 'victoria-metrics' },
  alertmanager: { name: 'Alertmanager', path: '/usr/bin/prometheus-alertmanager', debianPackage: 'prometheus-alertmanager' },
  nodeExporter: { name: 'node-exporter', path: '/usr/bin/prometheus-node-exporter', debianPackage: 'prometheus-node-exporter' },
} as const satisfies Record<string, StackBinary>;

/** Thrown instead of spawning a binary that is not there, naming the package that provides it. */
export class MissingBinaryError extends Error {
  override readonly name = 'MissingBinaryError';

  constructor(readonly binary: StackBinary) {
    super(`${binary.name} is not installed (${binary.path} is missing): apt-get install ${binary.debianPackage}`);
  }
}

/** Whether the binary exists and this user may execute it. */
export function isInstalled(binary: StackBinary): boolean {
  try {
    accessSync(binary.path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
