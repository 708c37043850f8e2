import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

const minimal = { DATABASE_URL: 'postgres://sre:secret@127.0.0.1:5432/sre', OIDC_ISSUER_URL: 'https://idp.example.com/realms/sre' };

function problemsOf(environment: Record<string, string | undefined>): readonly string[] {
  try {
    loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('fills in every default from two required variables', () => {
    expect(loadConfig(minimal)).toEqual({
      production: false,
      host: '127.0.0.1',
      port: 8081,
      databaseUrl: minimal.DATABASE_URL,
      logLevel: 'info',
      oidc: { issuerUrl: minimal.OIDC_ISSUER_URL, jwksUrl: undefined, audience: 'urn:sre-platform:sre-assistant' },
      controlPlane: { url: 'http://127.0.0.1:8080', audience: 'urn:sre-platform:control-plane' },
      client: { id: 'sre-assistant', secret: undefined },
      victoriaMetricsUrl: undefined,
      diagnosis: { timeoutSeconds: 60, concurrency: 4, retryLimit: 2 },
      model: undefined,
      agent: { maxSteps: 8, timeoutSeconds: 45, tokenBudget: 200_000, toolOutputBytes: 16_000 },
      grafana: undefined,
    });
  });

  it('configures Gemini only with an API key, and refuses bad prices and limits', () => {
    expect(loadConfig({ ...minimal, GEMINI_MODEL: 'gemini-2.5-pro' }).model).toBeUndefined();
    expect(loadConfig({ ...minimal, GEMINI_API_KEY: 'k' }).model).toEqual({
      name: 'gemini-2.5-flash',
      apiKey: 'k',
      baseUrl: undefined,
      timeoutMs: 30_000,
      maxAttempts: 4,
      prices: { input: undefined, output: undefined },
    });
    expect(problemsOf({ ...minimal, GEMINI_PRICE_INPUT_USD_PER_MTOK: '-1', AGENT_MAX_STEPS: '0', GEMINI_BASE_URL: 'gemini' })).toEqual([
      'GEMINI_BASE_URL must be an http(s) URL, e.g. https://generativelanguage.googleapis.com',
      'GEMINI_PRICE_INPUT_USD_PER_MTOK must be a price in US dollars per million tokens, e.g. 0.30',
      'AGENT_MAX_STEPS must be a whole number from 1 to 50',
    ]);
  });

  it('reads the metrics store and the diagnosis queue settings, refusing nonsense', () => {
    expect(loadConfig({ ...minimal, VM_URL: 'http://127.0.0.1:8428', DIAGNOSIS_TIMEOUT_SECONDS: '30', DIAGNOSIS_CONCURRENCY: '2', DIAGNOSIS_RETRY_LIMIT: '0' })).toMatchObject({
      victoriaMetricsUrl: 'http://127.0.0.1:8428',
      diagnosis: { timeoutSeconds: 30, concurrency: 2, retryLimit: 0 },
    });
    expect(problemsOf({ ...minimal, VM_URL: 'victoria', DIAGNOSIS_TIMEOUT_SECONDS: '1', DIAGNOSIS_CONCURRENCY: 'many' })).toEqual([
      'VM_URL must be an http(s) URL, e.g. http://127.0.0.1:8428',
      'DIAGNOSIS_TIMEOUT_SECONDS must be a whole number from 5 to 3600',
      'DIAGNOSIS_CONCURRENCY must be a whole number from 1 to 64',
    ]);
  });

  it('configures Grafana by its URL, with a token or anonymously, and refuses a token without a URL', () => {
    expect(loadConfig({ ...minimal, GRAFANA_URL: 'http://grafana:3000/grafana' }).grafana).toEqual({ url: 'http://grafana:3000/grafana', token: undefined });
    expect(loadConfig({ ...minimal, GRAFANA_URL: 'https://grafana.example.com', GRAFANA_SERVICE_ACCOUNT_TOKEN: 'glsa_token' }).grafana).toEqual({
      url: 'https://grafana.example.com',
      token: 'glsa_token',
    });
    expect(loadConfig({ ...minimal, GRAFANA_SERVICE_ACCOUNT_TOKEN: '' }).grafana).toBeUndefined();
    expect(problemsOf({ ...minimal, GRAFANA_SERVICE_ACCOUNT_TOKEN: 'glsa_token' })).toEqual([
      'GRAFANA_URL is required with GRAFANA_SERVICE_ACCOUNT_TOKEN: set it to the Grafana the token belongs to, or unset the token',
    ]);
    expect(problemsOf({ ...minimal, GRAFANA_URL: 'grafana:3000', GRAFANA_SERVICE_ACCOUNT_TOKEN: 'glsa_token' })).toEqual([
      'GRAFANA_URL must be an http(s) URL, e.g. https://grafana.example.com',
    ]);
  });

  it('never puts the Grafana token into a problem', () => {
    const problems = problemsOf({ ...minimal, GRAFANA_URL: 'not a url', GRAFANA_SERVICE_ACCOUNT_TOKEN: 'glsa_secret-value' });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).not.toContain('glsa_secret-value');
  });

  it('refuses a user name or password in a URL it calls, without repeating them', () => {
    const problems = problemsOf({
      ...minimal,
      CONTROL_PLANE_URL: 'http://assistant@control-plane:8080',
      VM_URL: 'http://vm:vm-secret@victoriametrics:8428',
      GRAFANA_URL: 'https://admin:grafana-secret@grafana.example.com',
    });
    const userinfo = 'must not carry a user name or password (user:password@): URLs end up in logs';
    expect(problems).toEqual([`CONTROL_PLANE_URL ${userinfo}`, `VM_URL ${userinfo}`, `GRAFANA_URL ${userinfo}`]);
    expect(problems.join('\n')).not.toMatch(/vm-secret|grafana-secret/);
  });

  it('lists every problem at once, each naming the variable to set', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      ASSISTANT_PORT: '80801',
      OIDC_ISSUER_URL: 'http://keycloak:8080/realms/sre',
      OIDC_JWKS_URL: 'not a url',
      CONTROL_PLANE_URL: 'ftp://control-plane',
      LOG_LEVEL: 'loud',
    });
    expect(problems).toEqual([
      'ASSISTANT_PORT must be a port number (0-65535)',
      'DATABASE_URL is required: it must be a PostgreSQL URL, e.g. postgres://user:password@127.0.0.1:5432/sre',
      'OIDC_JWKS_URL must be an http(s) URL, e.g. https://keycloak.example.com/realms/sre/protocol/openid-connect/certs',
      'CONTROL_PLANE_URL must be an http(s) URL, e.g. http://127.0.0.1:8080',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
      'OIDC_ISSUER_URL must use https when NODE_ENV=production',
    ]);
  });

  it('accepts a plain-http issuer outside production (the development IdP)', () => {
    const config = loadConfig({ ...minimal, OIDC_ISSUER_URL: 'http://127.0.0.1:8082' });
    expect(config.oidc.issuerUrl).toBe('http://127.0.0.1:8082');
    expect(config.production).toBe(false);
  });

  it('treats an empty variable as unset', () => {
    expect(problemsOf({ ...minimal, DATABASE_URL: '' })).toEqual([
      'DATABASE_URL is required: it must be a PostgreSQL URL, e.g. postgres://user:password@127.0.0.1:5432/sre',
    ]);
    expect(loadConfig({ ...minimal, ASSISTANT_PORT: '', ASSISTANT_CLIENT_SECRET: '' })).toMatchObject({ port: 8081, client: { secret: undefined } });
  });

  it('reads every variable it documents', () => {
    const config = loadConfig({
      ...minimal,
      NODE_ENV: 'production',
      ASSISTANT_PORT: '9000',
      ASSISTANT_HOST: '0.0.0.0',
      OIDC_JWKS_URL: 'https://idp.example.com/realms/sre/certs',
      ASSISTANT_AUDIENCE: 'urn:example:assistant',
      CONTROL_PLANE_URL: 'http://control-plane:8080',
      CONTROL_PLANE_AUDIENCE: 'urn:example:control-plane',
      ASSISTANT_CLIENT_ID: 'assistant',
      ASSISTANT_CLIENT_SECRET: 's3cret',
      VM_URL: 'http://victoriametrics:8428',
      DIAGNOSIS_TIMEOUT_SECONDS: '120',
      DIAGNOSIS_CONCURRENCY: '8',
      DIAGNOSIS_RETRY_LIMIT: '3',
      GEMINI_API_KEY: 'gemini-key',
      GEMINI_MODEL: 'gemini-2.5-pro',
      GEMINI_BASE_URL: 'https://gemini-proxy.example.com',
      GEMINI_TIMEOUT_SECONDS: '20',
      GEMINI_MAX_ATTEMPTS: '2',
      GEMINI_PRICE_INPUT_USD_PER_MTOK: '1.25',
      GEMINI_PRICE_OUTPUT_USD_PER_MTOK: '10',
      AGENT_MAX_STEPS: '5',
      AGENT_TIMEOUT_SECONDS: '100',
      AGENT_TOKEN_BUDGET: '50000',
      AGENT_TOOL_OUTPUT_BYTES: '8000',
      GRAFANA_URL: 'https://grafana.example.com',
      GRAFANA_SERVICE_ACCOUNT_TOKEN: 'glsa_token',
      LOG_LEVEL: 'debug',
    });
    expect(config).toEqual({
      production: true,
      host: '0.0.0.0',
      port: 9000,
      databaseUrl: minimal.DATABASE_URL,
      logLevel: 'debug',
      oidc: { issuerUrl: minimal.OIDC_ISSUER_URL, jwksUrl: 'https://idp.example.com/realms/sre/certs', audience: 'urn:example:assistant' },
      controlPlane: { url: 'http://control-plane:8080', audience: 'urn:example:control-plane' },
      client: { id: 'assistant', secret: 's3cret' },
      victoriaMetricsUrl: 'http://victoriametrics:8428',
      diagnosis: { timeoutSeconds: 120, concurrency: 8, retryLimit: 3 },
      model: { name: 'gemini-2.5-pro', apiKey: 'gemini-key', baseUrl: 'https://gemini-proxy.example.com', timeoutMs: 20_000, maxAttempts: 2, prices: { input: 1.25, output: 10 } },
      agent: { maxSteps: 5, timeoutSeconds: 100, tokenBudget: 50_000, toolOutputBytes: 8_000 },
      grafana: { url: 'https://grafana.example.com', token: 'glsa_token' },
    });
  });

  it('returns a frozen configuration', () => {
    const config = loadConfig(minimal);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.oidc)).toBe(true);
    expect(Object.isFrozen(config.client)).toBe(true);
    expect(Object.isFrozen(loadConfig({ ...minimal, GRAFANA_URL: 'https://grafana.example.com' }).grafana)).toBe(true);
  });
});
