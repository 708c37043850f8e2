import { createAccessTokenVerifier, createTokenSource } from '@sre/auth';
import type { Database, Kysely } from '@sre/db';
import type { CustomFetch } from 'openid-client';
import { createHttpMetrics, type Logger } from '@sre/service-kit';
import { createVictoriaMetricsClient } from '@sre/victoriametrics';
import { createAlertIntakeService } from './alerts/alert-intake.service';
import { createAlertMetricsService } from './alerts/alert-metrics.service';
import { createAlertService } from './alerts/alerts.service';
import type { AppDependencies } from './app';
import { createAskService } from './ask/ask.service';
import { createAuditService } from './audit/audit.service';
import { createLoginService } from './auth/auth.service';
import type { Config } from './config';
import { createDeviceService } from './devices/devices.service';
import { createDiagnosisService } from './diagnoses/diagnoses.service';
import { assistantCallTimeoutMs, createAssistantClient } from './integrations/assistant.client';
import { createSessionService } from './sessions/sessions.service';

export const version = '0.1.0';

/** An alert chart waits this long for VictoriaMetrics; it loads after the page, so only the chart waits. */
const chartQueryTimeoutMs = 10_000;

/** Wires services and integrations from config: one place, shared by main and the tests. */
export function createDependencies(options: {
  config: Config;
  /** The issuer actually in use: the configured one, or the development provider's. */
  issuer: string;
  db: Kysely<Database>;
  log: Logger;
  isDraining?: () => boolean;
  fetch?: CustomFetch;
}): AppDependencies {
  const { config, issuer, db, log } = options;
  const allowInsecureRequests = config.allowInsecureHttp && issuer.startsWith('http:');
  const devices = createDeviceService(db);
  const alerts = createAlertService(db, devices);
  const assistant = createAssistantClient({
    baseUrl: config.assistant.url,
    tokens: createTokenSource({
      issuer,
      clientId: config.oidc.clientId,
      clientSecret: config.oidc.clientSecret,
      scope: 'assistant.read assistant.diagnose assistant.execute',
      resource: config.assistant.audience,
      allowInsecureRequests,
      // No longer than a call to the assistant may take, so that a stalled issuer is let go of by then.
      timeoutSeconds: assistantCallTimeoutMs / 1000,
    }),
  });
  const diagnoses = createDiagnosisService(db, assistant, { autoDiagnoseSeverities: config.autoDiagnoseSeverities, log });
  return {
    config,
    db,
    log,
    metrics: createHttpMetrics('control-plane'),
    sessions: createSessionService(db, config.sessionTtlSeconds),
    devices,
    alertIntake: createAlertIntakeService(db, { onNewFiring: diagnoses.diagnoseNewFiring }),
    alerts,
    alertMetrics: createAlertMetricsService({
      alerts,
      victoriaMetrics: config.victoriaMetrics && createVictoriaMetricsClient({ url: config.victoriaMetrics.url, timeoutMs: chartQueryTimeoutMs }),
      grafana: config.grafana,
    }),
    audit: createAuditService(db),
    login: createLoginService(db, {
      issuer,
      clientId: config.oidc.clientId,
      clientSecret: config.oidc.clientSecret,
      redirectUri: `${config.publicUrl}/auth/callback`,
      postLogoutRedirectUri: `${config.publicUrl}/`,
      allowInsecureRequests,
      fetch: options.fetch,
    }),
    assistant,
    diagnoses,
    asking: createAskService(db, { assistant, alerts, devices, diagnoses }),
    verifyAccessToken: createAccessTokenVerifier({ issuer, audience: config.apiAudience, jwksUri: config.oidc.jwksUri }),
    identityProviderOrigin: new URL(issuer).origin,
    isDraining: options.isDraining ?? (() => false),
    version,
  };
}
