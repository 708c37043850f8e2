// The local alerting path on the real binaries: series imported into VictoriaMetrics break a rule,
// vmalert notices, Alertmanager notifies a webhook, and recovery closes the alert the same way.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { startAlertmanager, type RunningAlertmanager } from '../../test/alertmanager';
import { startVictoriaMetrics, type RunningVictoriaMetrics } from '../../test/victoriametrics';
import { startVmalert, type RunningVmalert } from '../../test/vmalert';


const testGroup = {
  name: 'stack-test',
  rules: [{ alert: 'QueueTooLong', expr: 'queue_length{job="worker"} > 10', labels: { severity: 'warning' }, annotations: { summary: 'queue {{ $labels.queue }} holds {{ $value }} items' } }],
};
// The deployed rules ride along, to prove the pipeline check that docs/operations.md demonstrates.
const deployedGroups = (parseYaml(readFileSync(new URL('../../deploy/victoriametrics/rules/platform.rules.yml', import.meta.url), 'utf8')) as { groups: unknown[] }).groups;
const rules = stringifyYaml({ groups: [testGroup, ...deployedGroups] });

interface WebhookAlert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}
interface Notification {
  authorization: string | undefined;
  body: { status: string; receiver: string; alerts: WebhookAlert[] };
}

describe('VictoriaMetrics → vmalert → Alertmanager → webhook', () => {
  const token = 'stack-test-token-0123456789';
  const notifications: Notification[] = [];
  let receiver: Server;
  let victoriaMetrics: RunningVictoriaMetrics;
  let alertmanager: RunningAlertmanager;
  let vmalert: RunningVmalert;

  const waitForNotification = async (alertName: string, status: 'firing' | 'resolved'): Promise<Notification> => {
    for (let waited = 0; waited < 20_000; waited += 100) {
      const found = notifications.find((notification) => notification.body.status === status && notification.body.alerts[0]?.labels.alertname === alertName);
      if (found) return found;
      await sleep(100);
    }
    const received = notifications.map((notification) => `${notification.body.alerts[0]?.labels.alertname} ${notification.body.status}`);
    throw new Error(`no ${status} notification for ${alertName} within 20 s; received: ${JSON.stringify(received)}`);
  };
  const importQueueLength = (value: number) => victoriaMetrics.importPrometheus(`queue_length{job="worker",queue="emails"} ${value} ${Date.now()}\n`);

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        notifications.push({ authorization: request.headers.authorization, body: JSON.parse(body) as Notification['body'] });
        response.end();
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    const { port } = receiver.address() as AddressInfo;

    victoriaMetrics = await startVictoriaMetrics();
    alertmanager = await startAlertmanager({ webhookUrl: `http://127.0.0.1:${port}/webhook`, bearerToken: token });
    vmalert = await startVmalert({ rules, datasourceUrl: victoriaMetrics.url, notifierUrl: alertmanager.url, evaluationInterval: '1s' });
  });
  afterAll(async () => {
    await vmalert?.stop();
    await alertmanager?.stop();
    await victoriaMetrics?.stop();
    receiver?.close();
  });

  it('notifies a firing alert whose generatorURL carries the rule expression, then its resolution', async () => {
    await importQueueLength(25);
    const firing = await waitForNotification('QueueTooLong', 'firing');
    expect(firing.authorization).toBe(`Bearer ${token}`);
    expect(firing.body.receiver).toBe('sre-platform');
    expect(firing.body.alerts).toHaveLength(1);
    const [alert] = firing.body.alerts as [WebhookAlert];
    expect(alert).toMatchObject({
      status: 'firing',
      labels: { alertname: 'QueueTooLong', job: 'worker', queue: 'emails', severity: 'warning' },
      annotations: { summary: 'queue emails holds 25 items' },
      endsAt: '0001-01-01T00:00:00Z',
    });
    const generator = new URL(alert.generatorURL);
    expect(`${generator.origin}${generator.pathname}`).toBe(`${victoriaMetrics.url}/graph`);
    expect(generator.searchParams.get('g0.expr')).toBe('queue_length{job="worker"} > 10');

    await importQueueLength(3);
    const resolved = await waitForNotification('QueueTooLong', 'resolved');
    const [closed] = resolved.body.alerts as [WebhookAlert];
    expect(closed).toMatchObject({ status: 'resolved', labels: alert.labels, startsAt: alert.startsAt, generatorURL: alert.generatorURL });
    expect(Date.parse(closed.endsAt)).toBeGreaterThan(Date.parse(alert.startsAt));
  });

  it('fires and resolves the deployed AlertPipelineCheck on the import docs/operations.md shows', async () => {
    // As the documented curl: no timestamp, so VictoriaMetrics stamps the sample with its arrival.
    const check = (value: number) => victoriaMetrics.importPrometheus(`sre_platform_alert_check{device="test-host",instance="127.0.0.1:9100",job="node"} ${value}\n`);
    await check(1);
    const [alert] = (await waitForNotification('AlertPipelineCheck', 'firing')).body.alerts as [WebhookAlert];
    expect(alert.labels).toMatchObject({ alertname: 'AlertPipelineCheck', device: 'test-host', instance: '127.0.0.1:9100', severity: 'info' });
    expect(new URL(alert.generatorURL).searchParams.get('g0.expr')).toBe('sre_platform_alert_check > 0');

    await check(0);
    const [closed] = (await waitForNotification('AlertPipelineCheck', 'resolved')).body.alerts as [WebhookAlert];
    expect(closed).toMatchObject({ status: 'resolved', labels: alert.labels });
  });
});
