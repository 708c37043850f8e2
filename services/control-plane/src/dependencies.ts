import { createAccessTokenVerifier, createTokenSource } from '@sre/auth';
import type { Database, Kysely } from '@sre/db';
import type { CustomFetch } from 'openid-client';
import { createHttpMetrics, type Logger } from '@sre/service-kit';
import { createAlertIntakeService } from './alerts/alert-intake.service';
import { createAlertService } from './alerts/alerts.service';
import type { AppDependencies } from './app';
import { createLoginService } from './auth/auth.service';
import type { Config } from './config';
import { createDeviceService } from './devices/devices.service';
import { createAssistantClient } from './integrations/assistant.client';
import { createSessionService } from './sessions/sessions.service';

export const version = '0.1.0';

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
  return {
    config,
    db,
    log,
    metrics: createHttpMetrics('control-plane'),
    sessions: createSessionService(db, config.sessionTtlSeconds),
    devices,
    alertIntake: createAlertIntakeService(db),
    alerts: createAlertService(db, devices),
    login: createLoginService(db, {
      issuer,
      clientId: config.oidc.clientId,
      clientSecret: config.oidc.clientSecret,
      redirectUri: `${config.publicUrl}/auth/callback`,
      postLogoutRedirectUri: `${config.publicUrl}/`,
      allowInsecureRequests,
      fetch: options.fetch,
    }),
    assistant: createAssistantClient({
      baseUrl: config.assistant.url,
      tokens: createTokenSource({
        issuer,
        clientId: config.oidc.clientId,
        clientSecret: config.oidc.clientSecret,
        scope: 'assistant.read assistant.diagnose assistant.execute',
        resource: config.assistant.audience,
        allowInsecureRequests,
      }),
    }),
    verifyAccessToken: createAccessTokenVerifier({ issuer, audience: config.apiAudience, jwksUri: config.oidc.jwksUri }),
    identityProviderOrigin: new URL(issuer).origin,
    isDraining: options.isDraining ?? (() => false),
    version,
  };
}
