import { stackBinaries } from './binaries';
import { startProcess, type StackProcess } from './process';

export interface VictoriaMetricsOptions {
  dataDir: string;
  port: number;
  /** Samples older than this are dropped, at import too: `90d`, `100y`; a bare number means months. */
  retention?: string;
  /** A Prometheus-style file with scrape_configs for VictoriaMetrics' built-in scraper. */
  scrapeConfigFile?: string;
  extraArgs?: string[];
  logFile?: string;
  pidFile?: string;
  log?: (message: string) => void;
}

/** Single-node VictoriaMetrics on 127.0.0.1:port, ready once /health answers. */
export function startVictoriaMetrics(options: VictoriaMetricsOptions): Promise<StackProcess> {
  const url = `http://127.0.0.1:${options.port}`;
  return startProcess({
    binary: stackBinaries.victoriaMetrics,
    args: [
      `-storageDataPath=${options.dataDir}`,
      `-httpListenAddr=127.0.0.1:${options.port}`,
      `-retentionPeriod=${options.retention ?? '30d'}`,
      // By default queries hide the newest 30 s, which would delay every alert and chart by as much.
      '-search.latencyOffset=1s',
      ...(options.scrapeConfigFile ? [`-promscrape.config=${options.scrapeConfigFile}`] : []),
      ...(options.extraArgs ?? []),
    ],
    url,
    readinessPath: '/health',
    logFile: options.logFile,
    pidFile: options.pidFile,
    log: options.log,
  });
}
