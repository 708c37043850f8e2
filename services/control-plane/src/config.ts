import { z } from 'zod';
import { httpUrl } from '@sre/service-kit';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);
const optionalText = z
  .string()
  .trim()
  .transform((value) => value || undefined)
  .optional();

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CONTROL_PLANE_HOST: z.string().default('127.0.0.1'),
  CONTROL_PLANE_PORT: port(8080),
  /** The URL users reach the control plane at; OIDC redirect URIs are built from it. */
  CONTROL_PLANE_URL: httpUrl('https://sre.example.com').default('http://127.0.0.1:8080'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  OIDC_ISSUER_URL: httpUrl('https://keycloak.example.com/realms/sre').optional(),
  OIDC_JWKS_URL: httpUrl('https://keycloak.example.com/realms/sre/protocol/openid-connect/certs').optional(),
  OIDC_CLIENT_ID: z.string().min(1).default('control-plane'),
  OIDC_CLIENT_SECRET: optionalText,
  DEV_OIDC_PORT: port(8082),
  CONTROL_PLANE_AUDIENCE: z.string().min(1).default('urn:sre-platform:control-plane'),
  ASSISTANT_URL: httpUrl('http://127.0.0.1:8081').default('http://127.0.0.1:8081'),
  ASSISTANT_AUDIENCE: z.string().min(1).default('urn:sre-platform:sre-assistant'),
  SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  // Unlike other variables, empty is meaningful here: it turns automatic diagnosis off.
  AUTO_DIAGNOSE_SEVERITIES: z
    .string()
    .default('critical,page')
    .transform((value) => [...new Set(value.split(',').map((severity) => severity.trim().toLowerCase()).filter(Boolean))]),
  ALERTMANAGER_WEBHOOK_TOKEN: optionalText.pipe(z.string().min(16, 'use at least 16 characters').optional()),
  VM_URL: optionalText.pipe(httpUrl('http://127.0.0.1:8428').optional()),
  GRAFANA_URL: optionalText.pipe(httpUrl('https://grafana.example.com').optional()),
  GRAFANA_DASHBOARD_UID: optionalText.pipe(
    z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'a Grafana dashboard uid: up to 40 letters, digits, - or _').default('sre-host-overview'),
  ),
});

export const developmentSecrets = {
  controlPlane: 'dev-control-plane-secret',
  assistant: 'dev-sre-assistant-secret',
} as const;

export interface Config {
  readonly environment: 'development' | 'test' | 'production';
  readonly logLevel: string;
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly databaseUrl: string;
  readonly oidc: {
    /** Undefined in development: the in-process development provider is started instead. */
    readonly issuer: string | undefined;
    readonly jwksUri: string | undefined;
    readonly clientId: string;
    readonly clientSecret: string;
    readonly developmentProviderPort: number;
  };
  /** The audience this service's /api/v1 requires of bearer tokens. */
  readonly apiAudience: string;
  readonly assistant: { readonly url: string; readonly audience: string };
  readonly sessionTtlSeconds: number;
  /** Lower-cased `severity` label values whose new firing alerts are diagnosed automatically; empty: never. */
  readonly autoDiagnoseSeverities: readonly string[];
  /** The secret Alertmanager presents to the webhook intake; unset keeps the intake closed. */
  readonly alertmanagerWebhookToken: string | undefined;
  /** Where alert charts are queried; unset: the alert page says VictoriaMetrics is not configured. */
  readonly victoriaMetrics: { readonly url: string } | undefined;
  /** Where device dashboards are embedded from; unset: the alert page embeds none. */
  readonly grafana: { readonly url: string; readonly dashboardUid: string } | undefined;
  /** Plain-http issuers and cookies without Secure are allowed only outside production. */
  readonly allowInsecureHttp: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The Config from this process's environment (the only read of process.env). */
export const loadConfigFromEnvironment = (): Config => loadConfig(process.env);

/** Validates the environment and returns a frozen Config; throws ConfigError listing every problem. */
export function loadConfig(environment: Record<string, string | undefined>): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  const problems: string[] = [];
  if (production && !env.OIDC_ISSUER_URL) {
    problems.push('OIDC_ISSUER_URL: required in production (the development identity provider never runs there)');
  }
  if (env.OIDC_ISSUER_URL && !env.OIDC_CLIENT_SECRET) {
    problems.push('OIDC_CLIENT_SECRET: required with OIDC_ISSUER_URL (the control-plane client secret)');
  }
  if (production && env.OIDC_ISSUER_URL?.startsWith('http:')) {
    problems.push('OIDC_ISSUER_URL: must be https in production');
  }
  if (problems.length) throw new ConfigError(problems);

  return Object.freeze({
    environment: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    host: env.CONTROL_PLANE_HOST,
    port: env.CONTROL_PLANE_PORT,
    publicUrl: env.CONTROL_PLANE_URL.replace(/\/$/, ''),
    databaseUrl: env.DATABASE_URL,
    oidc: Object.freeze({
      issuer: env.OIDC_ISSUER_URL,
      jwksUri: env.OIDC_JWKS_URL,
      clientId: env.OIDC_CLIENT_ID,
      clientSecret: env.OIDC_CLIENT_SECRET ?? developmentSecrets.controlPlane,
      developmentProviderPort: env.DEV_OIDC_PORT,
    }),
    apiAudience: env.CONTROL_PLANE_AUDIENCE,
    assistant: Object.freeze({ url: env.ASSISTANT_URL.replace(/\/$/, ''), audience: env.ASSISTANT_AUDIENCE }),
    sessionTtlSeconds: Math.round(env.SESSION_TTL_HOURS * 3600),
    autoDiagnoseSeverities: Object.freeze(env.AUTO_DIAGNOSE_SEVERITIES),
    alertmanagerWebhookToken: env.ALERTMANAGER_WEBHOOK_TOKEN,
    victoriaMetrics: env.VM_URL ? Object.freeze({ url: env.VM_URL.replace(/\/$/, '') }) : undefined,
    grafana: env.GRAFANA_URL ? Object.freeze({ url: env.GRAFANA_URL.replace(/\/$/, ''), dashboardUid: env.GRAFANA_DASHBOARD_UID }) : undefined,
    allowInsecureHttp: !production,
  });
}

/** The environment variables this service reads; deploy/deploy.test.ts checks the deploy files against them. */
export const configVariables: readonly string[] = Object.keys(environmentSchema.shape);
