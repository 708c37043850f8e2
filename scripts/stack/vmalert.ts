import { stackBinaries } from './binaries';
import { startProcess, type StackProcess } from './process';

export interface VmalertOptions {
  /** Rule files or globs (`deploy/victoriametrics/rules/*.yml`), in Prometheus rule format. */
  ruleFiles: string[];
  /** VictoriaMetrics: rules are queried there, and alert state is written to and restored from it. */
  datasourceUrl: string;
  /** Alertmanager. */
  notifierUrl: string;
  port: number;
  /** For groups without their own `interval`, e.g. `1s`, `30s`. */
  evaluationInterval: string;
  logFile?: string;
  pidFile?: string;
  log?: (message: string) => void;
}

/**
 * Each alert's generatorURL links to the alert's own expression the way Prometheus does, so that
 * readers can take the expression from the `g0.expr` query parameter. Checked with vmalert 1.79:
 * for `demo_metric{job="x"} > 0.5` and datasource http://127.0.0.1:8428 it sends
 *   http://127.0.0.1:8428/graph?g0.expr=demo_metric%7Bjob%3D%22x%22%7D+%3E+0.5&g0.tab=1
 * (Go's url.QueryEscape: space as `+`, which URLSearchParams decodes). vmalert prefixes the
 * template with `-external.url` and a slash. Upstream VictoriaMetrics serves /graph as its UI;
 * Debian's build has no UI, so there the link is only a carrier for the expression.
 */
export const generatorUrlTemplate = 'graph?g0.expr={{ $expr | queryEscape }}&g0.tab=1';

/** vmalert on 127.0.0.1:port evaluating `ruleFiles` against VictoriaMetrics, ready once /health answers. */
export function startVmalert(options: VmalertOptions): Promise<StackProcess> {
  const url = `http://127.0.0.1:${options.port}`;
  return startProcess({
    binary: stackBinaries.vmalert,
    args: [
      ...options.ruleFiles.map((file) => `-rule=${file}`),
      `-datasource.url=${options.datasourceUrl}`,
      // Alert state (ALERTS_FOR_STATE) goes to VictoriaMetrics and is read back on restart, so a
      // restart neither resets `for` timers nor re-notifies alerts that were already firing.
      `-remoteWrite.url=${options.datasourceUrl}`,
      `-remoteRead.url=${options.datasourceUrl}`,
      `-notifier.url=${options.notifierUrl}`,
      `-httpListenAddr=127.0.0.1:${options.port}`,
      `-evaluationInterval=${options.evaluationInterval}`,
      `-external.url=${options.datasourceUrl}`,
      `-external.alert.source=${generatorUrlTemplate}`,
    ],
    url,
    readinessPath: '/health',
    logFile: options.logFile,
    pidFile: options.pidFile,
    log: options.log,
  });
}
