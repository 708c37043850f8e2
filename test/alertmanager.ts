import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { minimalAlertmanagerTemplate } from '../scripts/stack/alertmanager-config';
import { startAlertmanager as startProcess } from '../scripts/stack/alertmanager';
import { freePort } from './ports';
import { inTemporaryDirectory } from './temporary-directory';

export interface RunningAlertmanager {
  url: string;
  /** Posts alerts through Alertmanager's own API v2, as vmalert or Prometheus would. */
  postAlerts(alerts: Array<{ labels: Record<string, string>; annotations?: Record<string, string>; startsAt?: string; endsAt?: string }>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real Alertmanager (Debian's prometheus-alertmanager) on a loopback port whose only receiver,
 * `sre-platform`, is a webhook to `webhookUrl` authenticated with a bearer token read from a
 * file, grouping by alert name with no wait so tests see notifications within a second or two.
 */
export function startAlertmanager(options: { webhookUrl: string; bearerToken: string }): Promise<RunningAlertmanager> {
  return inTemporaryDirectory('sre-alertmanager-', async (directory) => {
    const tokenFile = path.join(directory, 'token');
    await writeFile(tokenFile, options.bearerToken, { mode: 0o600 });
    const server = await startProcess({
      port: await freePort(),
      dataDir: path.join(directory, 'alertmanager'),
      template: minimalAlertmanagerTemplate,
      webhookUrl: options.webhookUrl,
      bearerTokenFile: tokenFile,
      timing: { groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' },
    });
    return {
      url: server.url,
      async postAlerts(alerts) {
        const response = await fetch(`${server.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
        if (!response.ok) throw new Error(`Alertmanager refused the alerts: ${response.status} ${await response.text()}`);
      },
      stop: () => server.stop(),
    };
  });
}
