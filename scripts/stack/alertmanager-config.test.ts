import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { minimalAlertmanagerTemplate, renderAlertmanagerConfig } from './alertmanager-config';

const deployed = readFileSync(new URL('../../deploy/victoriametrics/alertmanager.yml', import.meta.url), 'utf8');
const local = { webhookUrl: 'http://127.0.0.1:8080/api/v1/alerts/alertmanager', bearerTokenFile: '/srv/sre/.data/alertmanager-webhook-token' };

describe('renderAlertmanagerConfig', () => {
  it('points the deployed configuration at a local webhook and token file, keeping its routing and inhibitions', () => {
    const template = parseYaml(deployed) as Record<string, unknown>;
    const rendered = parseYaml(renderAlertmanagerConfig({ template: deployed, ...local, timing: { groupWait: '1s', groupInterval: '5s' } })) as {
      route: Record<string, unknown>;
      receivers: { name: string; webhook_configs: Record<string, unknown>[] }[];
      inhibit_rules: unknown;
    };

    expect(rendered.route).toEqual({ ...(template.route as object), group_wait: '1s', group_interval: '5s' });
    expect(rendered.receivers).toEqual([
      {
        name: 'sre-control-plane',
        webhook_configs: [{ url: local.webhookUrl, send_resolved: true, max_alerts: 0, http_config: { authorization: { type: 'Bearer', credentials_file: local.bearerTokenFile } } }],
      },
    ]);
    expect(rendered.inhibit_rules).toEqual(template.inhibit_rules);
  });

  it('fills in the minimal template used by tests', () => {
    const rendered = parseYaml(renderAlertmanagerConfig({ template: minimalAlertmanagerTemplate, ...local, timing: { groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' } }));
    expect(rendered).toEqual({
      route: { receiver: 'sre-platform', group_by: ['alertname'], group_wait: '0s', group_interval: '1s', repeat_interval: '1h' },
      receivers: [{ name: 'sre-platform', webhook_configs: [{ send_resolved: true, url: local.webhookUrl, http_config: { authorization: { type: 'Bearer', credentials_file: local.bearerTokenFile } } }] }],
    });
  });

  it('refuses a template whose route does not lead to exactly one webhook', () => {
    const twoWebhooks = minimalAlertmanagerTemplate.replace('      - send_resolved: true\n', '      - send_resolved: true\n      - url: http://elsewhere.example/\n');
    expect(() => renderAlertmanagerConfig({ template: twoWebhooks, ...local })).toThrow(/exactly one webhook \(route receiver: sre-platform, webhooks: 2\)/);
    const unknownReceiver = minimalAlertmanagerTemplate.replace('receiver: sre-platform', 'receiver: nobody');
    expect(() => renderAlertmanagerConfig({ template: unknownReceiver, ...local })).toThrow(/route receiver: nobody, webhooks: 0/);
  });
});
