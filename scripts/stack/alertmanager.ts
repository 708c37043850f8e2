import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderAlertmanagerConfig, type AlertmanagerConfigOptions } from './alertmanager-config';
import { stackBinaries } from './binaries';
import { startProcess, type StackProcess } from './process';

export interface AlertmanagerOptions extends AlertmanagerConfigOptions {
  port: number;
  /** Holds the generated alertmanager.yml and Alertmanager's state (silences, notification log). */
  dataDir: string;
  logFile?: string;
  pidFile?: string;
  log?: (message: string) => void;
}

/** Alertmanager on 127.0.0.1:port delivering to one webhook, ready once /-/ready answers. */
export async function startAlertmanager(options: AlertmanagerOptions): Promise<StackProcess> {
  const url = `http://127.0.0.1:${options.port}`;
  const configFile = path.join(options.dataDir, 'alertmanager.yml');
  await mkdir(options.dataDir, { recursive: true });
  await writeFile(configFile, `# Generated at each start; edits are overwritten.\n${renderAlertmanagerConfig(options)}`);
  return startProcess({
    binary: stackBinaries.alertmanager,
    args: [
      `--config.file=${configFile}`,
      `--storage.path=${path.join(options.dataDir, 'state')}`,
      `--web.listen-address=127.0.0.1:${options.port}`,
      // Empty: no gossip listener, which would otherwise bind 0.0.0.0:9094.
      '--cluster.listen-address=',
      `--web.external-url=${url}`,
    ],
    url,
    readinessPath: '/-/ready',
    logFile: options.logFile,
    pidFile: options.pidFile,
    log: options.log,
  });
}
