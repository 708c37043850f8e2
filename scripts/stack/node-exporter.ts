import { stackBinaries } from './binaries';
import { startProcess, type StackProcess } from './process';

export interface NodeExporterOptions {
  port: number;
  logFile?: string;
  pidFile?: string;
  log?: (message: string) => void;
}

/** node-exporter on 127.0.0.1:port with this host's metrics, ready once /metrics answers. */
export function startNodeExporter(options: NodeExporterOptions): Promise<StackProcess> {
  const url = `http://127.0.0.1:${options.port}`;
  return startProcess({
    binary: stackBinaries.nodeExporter,
    // The systemd collector needs a system D-Bus, which containers and CI machines often lack.
    args: [`--web.listen-address=127.0.0.1:${options.port}`, '--no-collector.systemd'],
    url,
    // It has no readiness endpoint (every path shows the landing page); a scrape proves the collectors run.
    readinessPath: '/metrics',
    logFile: options.logFile,
    pidFile: options.pidFile,
    log: options.log,
  });
}
