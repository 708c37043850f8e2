import express, { Router, type Express } from 'express';
import type { AccessTokenVerifier } from '@sre/auth';
import { isDatabaseReachable, type Database, type Kysely } from '@sre/db';
import { livenessHandler, readinessHandler, requestContext, type HttpMetrics, type Logger } from '@sre/service-kit';
import { alertMetricsRoutes } from './alerts/alert-metrics.routes';
import type { AlertMetricsService } from './alerts/alert-metrics.service';
import { alertPageRoutes } from './alerts/alert-pages.routes';
import { alertIntakeRoutes } from './alerts/alerts.routes';
import type { AlertService } from './alerts/alerts.service';
import type { AlertIntakeService } from './alerts/alert-intake.service';
import { intakeLimits } from './alerts/alerts.input';
import { apiRoutes } from './api/api.routes';
import { askRoutes } from './ask/ask.routes';
import type { AskService } from './ask/ask.service';
import type { AuditService } from './audit/audit.service';
import type { LoginService } from './auth/auth.service';
import { authRoutes } from './auth/auth.routes';
import type { Config } from './config';
import type { DeviceService } from './devices/devices.service';
import { diagnosisRoutes } from './diagnoses/diagnoses.routes';
import type { DiagnosisService } from './diagnoses/diagnoses.service';
import { deviceRoutes } from './devices/devices.routes';
import { homeRoutes } from './home/home.routes';
import type { AssistantClient } from './integrations/assistant.client';
import type { SessionService } from './sessions/sessions.service';
import { mountRoutes, type RouteSpec } from './web/access';
import { serveAsset } from './web/assets';
import { verifyCsrf } from './web/csrf';
import { errorHandler, notFoundHandler } from './web/error-handler';
import { securityHeaders } from './web/security-headers';
import { requireSharedSecret } from './web/shared-secret';
import { loadSession, sessionCookie } from './web/session';

export interface AppDependencies {
  config: Config;
  db: Kysely<Database>;
  log: Logger;
  metrics: HttpMetrics;
  login: LoginService;
  sessions: SessionService;
  devices: DeviceService;
  alertIntake: AlertIntakeService;
  alerts: AlertService;
  alertMetrics: AlertMetricsService;
  audit: AuditService;
  diagnoses: DiagnosisService;
  asking: AskService;
  assistant: AssistantClient;
  verifyAccessToken: AccessTokenVerifier;
  /** The issuer's origin: logout redirects there, so the CSP's form-action must allow it. */
  identityProviderOrigin: string | undefined;
  isDraining: () => boolean;
  version: string;
}

export interface ControlPlaneApp {
  app: Express;
  /** Every route the app serves, with its access rule (the role-matrix test walks this). */
  routes: readonly RouteSpec[];
}

/** Builds the control plane's Express app from its dependencies; never listens. */
export function createApp(deps: AppDependencies): ControlPlaneApp {
  const { config } = deps;
  const secure = config.publicUrl.startsWith('https:');
  const cookie = sessionCookie(secure, config.sessionTtlSeconds);

  const app = express();
  app.disable('x-powered-by');
  app.use(requestContext(deps.log), deps.metrics.middleware, securityHeaders(deps.identityProviderOrigin, secure, config.grafana && new URL(config.grafana.url).origin));

  const routes: RouteSpec[] = [
    { method: 'get', path: '/healthz', access: 'anonymous', handler: livenessHandler },
    { method: 'get', path: '/readyz', access: 'anonymous', handler: readinessHandler({ database: () => isDatabaseReachable(deps.db) }, deps.isDraining) },
    { method: 'get', path: '/metrics', access: 'anonymous', handler: deps.metrics.handler },
    { method: 'get', path: '/assets/:file', access: 'anonymous', handler: serveAsset },
    ...homeRoutes(deps.assistant),
    ...authRoutes({ login: deps.login, sessions: deps.sessions, cookie, publicUrl: config.publicUrl }),
    ...deviceRoutes(deps.devices),
    ...apiRoutes({ devices: deps.devices, alerts: deps.alerts, audit: deps.audit }, deps.version),
    ...alertPageRoutes(deps.alerts, deps.alertMetrics, deps.diagnoses),
    ...diagnosisRoutes(deps.diagnoses),
    ...askRoutes(deps.asking),
    ...alertMetricsRoutes(deps.alertMetrics),
    ...alertIntakeRoutes(deps.alertIntake),
  ];
  const router = Router();
  mountRoutes(router, routes, {
    api: [express.json({ limit: '1mb' })],
    browser: [express.urlencoded({ extended: false, limit: '64kb' }), loadSession(deps.sessions, cookie), verifyCsrf()],
    verifyAccessToken: deps.verifyAccessToken,
    sharedSecret: {
      alertmanager: [
        requireSharedSecret(config.alertmanagerWebhookToken, 'ALERTMANAGER_WEBHOOK_TOKEN'),
        express.json({ limit: intakeLimits.bodyBytes }),
      ],
    },
  });
  app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return { app, routes };
}
