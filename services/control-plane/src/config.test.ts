import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

const captureProblems = (environment: Record<string, string>) => {
  try {
    loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
};

describe('control-plane configuration', () => {
  it('lists every problem at once, naming the variable to set', () => {
    const problems = captureProblems({ CONTROL_PLANE_PORT: 'eighty', CONTROL_PLANE_URL: 'ftp://x', LOG_LEVEL: 'loud' });
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(
      expect.arrayContaining(['CONTROL_PLANE_PORT', 'CONTROL_PLANE_URL', 'DATABASE_URL', 'LOG_LEVEL']),
    );
    expect(problems).toHaveLength(4);
  });

  it('refuses production without a real issuer, and plain http issuers there', () => {
    expect(captureProblems({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/sre' })).toEqual([
      'OIDC_ISSUER_URL: required in production (the development identity provider never runs there)',
    ]);
    expect(
      captureProblems({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/sre', OIDC_ISSUER_URL: 'http://kc/realms/sre', OIDC_CLIENT_SECRET: 's' }),
    ).toEqual(['OIDC_ISSUER_URL: must be https in production']);
  });

  it('requires the client secret whenever a real issuer is configured', () => {
    expect(captureProblems({ DATABASE_URL: 'postgres://db/sre', OIDC_ISSUER_URL: 'https://kc.example.com/realms/sre' })).toEqual([
      'OIDC_CLIENT_SECRET: required with OIDC_ISSUER_URL (the control-plane client secret)',
    ]);
  });

  it('defaults to the development setup on loopback and freezes the result', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://localhost/sre' });
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', publicUrl: 'http://127.0.0.1:8080', allowInsecureHttp: true });
    expect(config.oidc.issuer).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.oidc)).toBe(true);
    expect(config.victoriaMetrics).toBeUndefined();
    expect(config.grafana).toBeUndefined();
  });

  it('refuses a user name or password in a URL, without repeating them, but takes the database password', () => {
    const problems = captureProblems({
      DATABASE_URL: 'postgres://sre:db-secret@db:5432/sre',
      CONTROL_PLANE_URL: 'https://operator@sre.example.com',
      OIDC_ISSUER_URL: 'https://kc:kc-secret@kc.example.com/realms/sre',
      OIDC_CLIENT_SECRET: 's',
      ASSISTANT_URL: 'http://:assistant-secret@assistant:8081',
      VM_URL: 'http://vm:vm-secret@victoriametrics:8428',
      GRAFANA_URL: 'https://admin:grafana-secret@grafana.example.com',
    });
    const userinfo = 'must not carry a user name or password (user:password@): URLs end up in logs';
    expect(problems).toEqual(['CONTROL_PLANE_URL', 'OIDC_ISSUER_URL', 'ASSISTANT_URL', 'VM_URL', 'GRAFANA_URL'].map((name) => `${name}: ${userinfo}`));
    expect(problems.join('\n')).not.toMatch(/secret|operator/);
    expect(loadConfig({ DATABASE_URL: 'postgres://sre:db-secret@db:5432/sre' }).databaseUrl).toBe('postgres://sre:db-secret@db:5432/sre');
  });

  it('takes VictoriaMetrics and Grafana as optional http(s) URLs, empty meaning unset', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://localhost/sre',
      VM_URL: 'http://vm.example.com:8428/',
      GRAFANA_URL: 'https://ops.example.com/grafana/',
    });
    expect(config.victoriaMetrics).toEqual({ url: 'http://vm.example.com:8428' });
    expect(config.grafana).toEqual({ url: 'https://ops.example.com/grafana', dashboardUid: 'sre-host-overview' });
    expect(Object.isFrozen(config.grafana)).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgres://localhost/sre', VM_URL: '', GRAFANA_URL: ' ', GRAFANA_DASHBOARD_UID: '' })).toMatchObject({
      victoriaMetrics: undefined,
      grafana: undefined,
    });
    expect(loadConfig({ DATABASE_URL: 'postgres://localhost/sre', GRAFANA_URL: 'https://g', GRAFANA_DASHBOARD_UID: 'node-exporter_1' }).grafana?.dashboardUid).toBe(
      'node-exporter_1',
    );
    const problems = captureProblems({ DATABASE_URL: 'postgres://db/sre', VM_URL: 'vm:8428', GRAFANA_URL: 'javascript:alert(1)', GRAFANA_DASHBOARD_UID: 'a/b' });
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual(['GRAFANA_DASHBOARD_UID', 'GRAFANA_URL', 'VM_URL']);
  });
});
