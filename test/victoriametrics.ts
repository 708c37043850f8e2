import { startVictoriaMetrics as startProcess } from '../scripts/stack/victoriametrics';
import { freePort } from './ports';
import { inTemporaryDirectory } from './temporary-directory';

export interface RunningVictoriaMetrics {
  url: string;
  /** Imports Prometheus text format (millisecond timestamps) and makes it queryable at once. */
  importPrometheus(text: string): Promise<void>;
  stop(): Promise<void>;
}

/** A real VictoriaMetrics in a temporary directory on a free loopback port, removed on stop. */
export function startVictoriaMetrics(): Promise<RunningVictoriaMetrics> {
  return inTemporaryDirectory('sre-victoriametrics-', async (directory) => {
    const server = await startProcess({
      dataDir: directory,
      port: await freePort(),
      // Samples outside the retention period are dropped on import: any timestamp a test picks must fit.
      retention: '100y',
      // Tests write points in any order; the rollup cache would keep answering from before the import.
      extraArgs: ['-search.disableCache'],
    });
    return {
      url: server.url,
      importPrometheus: (text) => importPrometheus(server.url, text),
      stop: () => server.stop(),
    };
  });
}

/**
 * Imports Prometheus text format (millisecond timestamps) into the VictoriaMetrics at `url` and
 * makes it queryable at once. `resetRollupCache` is for a server whose cache is on: samples
 * written into the past would otherwise be hidden by results cached before they existed.
 */
export async function importPrometheus(url: string, text: string, options: { resetRollupCache?: boolean } = {}): Promise<void> {
  await call(`${url}/api/v1/import/prometheus`, { method: 'POST', body: text });
  await call(`${url}/internal/force_flush`);
  if (options.resetRollupCache) await call(`${url}/internal/resetRollupResultCache`);
}

async function call(url: string, init?: RequestInit): Promise<void> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`VictoriaMetrics refused ${new URL(url).pathname}: ${response.status} ${await response.text()}`);
}
