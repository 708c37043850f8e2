import { z } from 'zod';
import { httpUrl } from '@sre/service-kit';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const text = (description: string) => z.string().min(1, { error: `must be ${description}` });
const port = (fallback: number) => {
  const error = 'must be a port number (0-65535)';
  return z.coerce.number<string>({ error }).int({ error }).min(0, { error }).max(65_535, { error }).default(fallback);
};

const count = (fallback: number, minimum: number, maximum: number) => {
  const error = `must be a whole number from ${minimum} to ${maximum}`;
  return z.coerce.number<string>({ error }).int({ error }).min(minimum, { error }).max(maximum, { error }).default(fallback);
};

const price = () => {
  const error = 'must be a price in US dollars per million tokens, e.g. 0.30';
  return z.coerce.number<string>({ error }).min(0, { error }).optional();
};

const environmentSchema = z.object({
  NODE_ENV: z.string().default('development'),
  ASSISTANT_PORT: port(8081),
  ASSISTANT_HOST: text('a host name or address to listen on').default('127.0.0.1'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a PostgreSQL URL, e.g. postgres://user:password@127.0.0.1:5432/sre' }),
  OIDC_ISSUER_URL: httpUrl('https://keycloak.example.com/realms/sre'),
  OIDC_JWKS_URL: httpUrl('https://keycloak.example.com/realms/sre/protocol/openid-connect/certs').optional(),
  ASSISTANT_AUDIENCE: text('the audience the assistant requires in access tokens').default('urn:sre-platform:sre-assistant'),
  CONTROL_PLANE_URL: httpUrl('http://127.0.0.1:8080').default('http://127.0.0.1:8080'),
  CONTROL_PLANE_AUDIENCE: text("the control plane API's audience").default('urn:sre-platform:control-plane'),
  ASSISTANT_CLIENT_ID: text("the assistant's OAuth client id").default('sre-assistant'),
  ASSISTANT_CLIENT_SECRET: text("the assistant's OAuth client secret").optional(),
  VM_URL: httpUrl('http://127.0.0.1:8428').optional(),
  DIAGNOSIS_TIMEOUT_SECONDS: count(60, 5, 3_600),
  DIAGNOSIS_CONCURRENCY: count(4, 1, 64),
  DIAGNOSIS_RETRY_LIMIT: count(2, 0, 10),
  GEMINI_API_KEY: text('a Gemini API key').optional(),
  GEMINI_MODEL: text('a Gemini model name, e.g. gemini-2.5-flash').default('gemini-2.5-flash'),
  GEMINI_BASE_URL: httpUrl('https://generativelanguage.googleapis.com').optional(),
  GEMINI_TIMEOUT_SECONDS: count(30, 1, 600),
  GEMINI_MAX_ATTEMPTS: count(4, 1, 10),
  GEMINI_PRICE_INPUT_USD_PER_MTOK: price(),
  GEMINI_PRICE_OUTPUT_USD_PER_MTOK: price(),
  AGENT_MAX_STEPS: count(8, 1, 50),
  AGENT_TIMEOUT_SECONDS: count(45, 5, 3_600),
  AGENT_TOKEN_BUDGET: count(200_000, 1_000, 10_000_000),
  AGENT_TOOL_OUTPUT_BYTES: count(16_000, 1_000, 1_000_000),
  GRAFANA_URL: httpUrl('https://grafana.example.com').optional(),
  GRAFANA_SERVICE_ACCOUNT_TOKEN: text('a Grafana service account token').optional(),
  LOG_LEVEL: z.enum(logLevels, { error: `must be one of ${logLevels.join(', ')}` }).default('info'),
});

export type LogLevel = (typeof logLevels)[number];

export interface Config {
  readonly production: boolean;
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string;
  readonly logLevel: LogLevel;
  /** Who issues the access tokens callers present, and the audience they must carry. */
  readonly oidc: { readonly issuerUrl: string; readonly jwksUrl: string | undefined; readonly audience: string };
  /** The control plane's read-only API, which the assistant calls with its own token. */
  readonly controlPlane: { readonly url: string; readonly audience: string };
  /** The assistant's own OAuth client; without a secret it cannot call the control plane. */
  readonly client: { readonly id: string; readonly secret: string | undefined };
  /** VictoriaMetrics' query API; without it analyses complete as partial, saying so. */
  readonly victoriaMetricsUrl: string | undefined;
  /** The diagnosis queue: deadline per attempt, tasks at once in this process, retries after the first attempt. */
  readonly diagnosis: { readonly timeoutSeconds: number; readonly concurrency: number; readonly retryLimit: number };
  /** Gemini; undefined without GEMINI_API_KEY, and the agent then does not run. */
  readonly model: ModelConfig | undefined;
  /** Bounds on one agent run; the task's own deadline (DIAGNOSIS_TIMEOUT_SECONDS) still applies. */
  readonly agent: { readonly maxSteps: number; readonly timeoutSeconds: number; readonly tokenBudget: number; readonly toolOutputBytes: number };
  /** Grafana's HTTP API, read by the agent's dashboard and annotation tools; undefined without GRAFANA_URL. */
  readonly grafana: GrafanaConfig | undefined;
}

export interface GrafanaConfig {
  /** As the assistant reaches it; a sub-path is fine. */
  readonly url: string;
  /**
   * A service account token (role Viewer is enough). Undefined calls Grafana anonymously, which
   * works only where Grafana admits anonymous viewers. Never logged.
   */
  readonly token: string | undefined;
}

export interface ModelConfig {
  readonly name: string;
  /** Never logged. */
  readonly apiKey: string;
  /** Another endpoint speaking the Gemini API (a proxy, a test double); undefined for Google's. */
  readonly baseUrl: string | undefined;
  /** Deadline of one HTTP call, retries not included. */
  readonly timeoutMs: number;
  /** Attempts per call, the first included, on 429 and 5xx. */
  readonly maxAttempts: number;
  /** US dollars per million tokens; overrides the built-in table, which knows only some models. */
  readonly prices: { readonly input: number | undefined; readonly output: number | undefined };
}

/** Configuration problems, one line per variable, each naming the variable to set. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the configuration from an environment (tests pass their own); throws ConfigError listing every problem. */
export function loadConfig(environment: Readonly<Record<string, string | undefined>> = process.env): Config {
  // Deployment tools often write `NAME=` for "unset"; an empty value means the default.
  const given = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environmentSchema.safeParse(given);
  const problems = [
    ...(parsed.error?.issues ?? []).map((issue) => {
      const name = String(issue.path[0]);
      return given[name] === undefined ? `${name} is required: it ${issue.message}` : `${name} ${issue.message}`;
    }),
    ...insecureInProduction(given),
    ...grafanaTokenWithoutUrl(given),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const env = parsed.data;
  return Object.freeze({
    production: env.NODE_ENV === 'production',
    host: env.ASSISTANT_HOST,
    port: env.ASSISTANT_PORT,
    databaseUrl: env.DATABASE_URL,
    logLevel: env.LOG_LEVEL,
    oidc: Object.freeze({ issuerUrl: env.OIDC_ISSUER_URL, jwksUrl: env.OIDC_JWKS_URL, audience: env.ASSISTANT_AUDIENCE }),
    controlPlane: Object.freeze({ url: env.CONTROL_PLANE_URL, audience: env.CONTROL_PLANE_AUDIENCE }),
    client: Object.freeze({ id: env.ASSISTANT_CLIENT_ID, secret: env.ASSISTANT_CLIENT_SECRET }),
    victoriaMetricsUrl: env.VM_URL,
    diagnosis: Object.freeze({ timeoutSeconds: env.DIAGNOSIS_TIMEOUT_SECONDS, concurrency: env.DIAGNOSIS_CONCURRENCY, retryLimit: env.DIAGNOSIS_RETRY_LIMIT }),
    model: env.GEMINI_API_KEY
      ? Object.freeze({
          name: env.GEMINI_MODEL,
          apiKey: env.GEMINI_API_KEY,
          baseUrl: env.GEMINI_BASE_URL,
          timeoutMs: env.GEMINI_TIMEOUT_SECONDS * 1000,
          maxAttempts: env.GEMINI_MAX_ATTEMPTS,
          prices: Object.freeze({ input: env.GEMINI_PRICE_INPUT_USD_PER_MTOK, output: env.GEMINI_PRICE_OUTPUT_USD_PER_MTOK }),
        })
      : undefined,
    agent: Object.freeze({
      maxSteps: env.AGENT_MAX_STEPS,
      timeoutSeconds: env.AGENT_TIMEOUT_SECONDS,
      tokenBudget: env.AGENT_TOKEN_BUDGET,
      toolOutputBytes: env.AGENT_TOOL_OUTPUT_BYTES,
    }),
    grafana: env.GRAFANA_URL ? Object.freeze({ url: env.GRAFANA_URL, token: env.GRAFANA_SERVICE_ACCOUNT_TOKEN }) : undefined,
  });
}

// Checked on the raw values so that it is reported together with every other problem.
function insecureInProduction(given: Record<string, string | undefined>): string[] {
  if (given.NODE_ENV !== 'production') return [];
  // Keys and tokens fetched over plain http could be forged in transit.
  return ['OIDC_ISSUER_URL', 'OIDC_JWKS_URL']
    .filter((name) => /^http:/i.test(given[name] ?? ''))
    .map((name) => `${name} must use https when NODE_ENV=production`);
}

// A token without a Grafana to present it to is a half-done configuration, not a choice.
function grafanaTokenWithoutUrl(given: Record<string, string | undefined>): string[] {
  if (given.GRAFANA_SERVICE_ACCOUNT_TOKEN === undefined || given.GRAFANA_URL !== undefined) return [];
  return ['GRAFANA_URL is required with GRAFANA_SERVICE_ACCOUNT_TOKEN: set it to the Grafana the token belongs to, or unset the token'];
}

/** The environment variables this service reads; deploy/deploy.test.ts checks the deploy files against them. */
export const configVariables: readonly string[] = Object.keys(environmentSchema.shape);
