import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

export interface AlertmanagerTiming {
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
}

export interface AlertmanagerConfigOptions {
  /** An Alertmanager configuration (YAML) whose top route's receiver has exactly one webhook. */
  template: string;
  webhookUrl: string;
  /** Read by Alertmanager at each notification, so the token never lands in the configuration. */
  bearerTokenFile: string;
  /** Overrides the template's route timings; unset ones are kept. */
  timing?: AlertmanagerTiming;
}

/** One receiver `sre-platform`, one webhook, grouping by alert name: enough for tests. */
export const minimalAlertmanagerTemplate = `route:
  receiver: sre-platform
  group_by: [alertname]
receivers:
  - name: sre-platform
    webhook_configs:
      - send_resolved: true
`;

interface WebhookConfig {
  url?: string;
  http_config?: Record<string, unknown>;
  [setting: string]: unknown;
}
interface TemplateShape {
  route?: { receiver?: string; [setting: string]: unknown };
  receivers?: { name?: string; webhook_configs?: WebhookConfig[] }[];
  [section: string]: unknown;
}

/**
 * The template with its top route's webhook pointed at `webhookUrl` and authenticated with the
 * bearer token in `bearerTokenFile`. Everything else (grouping, inhibitions) is kept, so a local
 * Alertmanager built from deploy/victoriametrics/alertmanager.yml behaves like the deployed one.
 */
export function renderAlertmanagerConfig(options: AlertmanagerConfigOptions): string {
  const config = parseYaml(options.template) as TemplateShape | null;
  const receiverName = config?.route?.receiver;
  const receiver = config?.receivers?.find((candidate) => candidate.name === receiverName);
  const webhooks = receiver?.webhook_configs ?? [];
  if (!config?.route || !receiver || webhooks.length !== 1) {
    throw new Error(`the Alertmanager template must route to a receiver with exactly one webhook (route receiver: ${receiverName ?? 'none'}, webhooks: ${webhooks.length})`);
  }
  const [webhook] = webhooks as [WebhookConfig];
  webhook.url = options.webhookUrl;
  webhook.http_config = { ...webhook.http_config, authorization: { type: 'Bearer', credentials_file: options.bearerTokenFile } };

  const { groupWait, groupInterval, repeatInterval } = options.timing ?? {};
  if (groupWait) config.route.group_wait = groupWait;
  if (groupInterval) config.route.group_interval = groupInterval;
  if (repeatInterval) config.route.repeat_interval = repeatInterval;
  return stringifyYaml(config);
}
