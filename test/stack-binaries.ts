import { isInstalled, stackBinaries } from '../scripts/stack/binaries';

/**
 * Debian packages to install before the end-to-end alerting tests can run (VictoriaMetrics,
 * vmalert, Alertmanager); empty when all are there. `npm test` installs them as root.
 */
export function missingStackBinaries(): string[] {
  const needed = [stackBinaries.victoriaMetrics, stackBinaries.vmalert, stackBinaries.alertmanager];
  return [...new Set(needed.filter((binary) => !isInstalled(binary)).map((binary) => binary.debianPackage))];
}
