import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './ports';

export const alertmanagerBinary = '/usr/bin/prometheus-alertmanager';

export interface RunningAlertmanager {
  url: string;
  /** Posts alerts through Alertmanager's own API v2, as vmalert or Prometheus would. */
  postAlerts(alerts: Array<{ labels: Record<string, string>; annotations?: Record<string, string>; startsAt?: string; endsAt?: string }>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real Alertmanager (Debian's prometheus-alertmanager) on a loopback port whose only receiver
 * is a webhook to `webhookUrl`, authenticated with a bearer token read from a file, grouping by
 * alert name with no wait so tests see notifications within a second or two.
 */
export async function startAlertmanager(options: { webhookUrl: string; bearerToken: string }): Promise<RunningAlertmanager> {
  if (!existsSync(alertmanagerBinary)) {
    throw new Error(`${alertmanagerBinary} is missing: install the Debian package prometheus-alertmanager (npm test does it when run as root)`);
  }
  const directory = await mkdtemp(path.join(tmpdir(), 'sre-alertmanager-'));
  const port = await freePort();
  await writeFile(path.join(directory, 'token'), options.bearerToken, { mode: 0o600 });
  await writeFile(
    path.join(directory, 'alertmanager.yml'),
    [
      'route:',
      '  receiver: sre-platform',
      "  group_by: ['alertname']",
      '  group_wait: 0s',
      '  group_interval: 1s',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: sre-platform',
      '    webhook_configs:',
      `      - url: ${JSON.stringify(options.webhookUrl)}`,
      '        send_resolved: true',
      '        http_config:',
      '          authorization:',
      `            credentials_file: ${JSON.stringify(path.join(directory, 'token'))}`,
      '',
    ].join('\n'),
  );
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    alertmanagerBinary,
    [
      `--config.file=${path.join(directory, 'alertmanager.yml')}`,
      `--storage.path=${path.join(directory, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      `--web.external-url=${url}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

  const stop = async () => {
    if (child.exitCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
    await rm(directory, { recursive: true, force: true });
  };
  for (let waited = 0; ; waited += 100) {
    if (await fetch(`${url}/-/ready`).then((response) => response.ok, () => false)) break;
    if (child.exitCode !== null || waited > 15_000) {
      await stop();
      throw new Error(`Alertmanager did not become ready: ${stderr.slice(-2000)}`);
    }
    await sleep(100);
  }

  return {
    url,
    async postAlerts(alerts) {
      const response = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      if (!response.ok) throw new Error(`Alertmanager refused the alerts: ${response.status} ${await response.text()}`);
    },
    stop,
  };
}

