import { createDb } from '@sre/db';
import { closeOnSignals, createLogger, serve } from '@sre/service-kit';
import { createApp } from './app';
import { ConfigError, developmentSecrets, loadConfigFromEnvironment, type Config } from './config';
import { createDependencies } from './dependencies';
import { startDevIdentityProvider, type DevIdentityProvider } from './dev-identity/dev-identity-provider';

let config: Config;
try {
  config = loadConfigFromEnvironment();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`control-plane: ${error.message}`);
  process.exit(2);
}

const log = createLogger('control-plane', config.logLevel);
const db = createDb({
  connectionString: config.databaseUrl,
  applicationName: 'control-plane',
  onConnectionError: (error) => log.warn({ err: error }, 'an idle database connection failed; it will be replaced'),
});
let devIdentity: DevIdentityProvider | undefined;
if (!config.oidc.issuer) {
  devIdentity = await startDevIdentityProvider({
    host: '127.0.0.1',
    port: config.oidc.developmentProviderPort,
    controlPlane: {
      clientId: config.oidc.clientId,
      clientSecret: developmentSecrets.controlPlane,
      redirectUris: [`${config.publicUrl}/auth/callback`],
      postLogoutRedirectUris: [`${config.publicUrl}/`],
    },
    assistant: { clientId: 'sre-assistant', clientSecret: developmentSecrets.assistant },
    log: (message) => log.info({ component: 'dev-identity' }, message),
  });
  log.warn(
    { issuer: devIdentity.issuer, users: devIdentity.users.map((user) => user.username) },
    'no OIDC_ISSUER_URL: running the development identity provider (never in production); log in as viewer/viewer, operator/operator or admin/admin',
  );
}
const issuer = config.oidc.issuer ?? devIdentity!.issuer;

let draining = false;
const dependencies = createDependencies({ config, issuer, db, log, isDraining: () => draining });
const { app } = createApp(dependencies);
// Expired sessions are refused on read; the sweep only keeps the table small.
const sessionSweep = setInterval(() => {
  dependencies.sessions.removeExpired().catch((error: unknown) => log.warn({ err: error }, 'expired-session sweep failed'));
}, 15 * 60_000);
sessionSweep.unref();
const server = await serve(app, {
  host: config.host,
  port: config.port,
  log,
  onClose: async () => {
    clearInterval(sessionSweep);
    await devIdentity?.close();
    await db.destroy();
  },
});
log.info({ url: server.url, publicUrl: config.publicUrl, issuer }, 'control plane listening');
closeOnSignals(server.close, log, () => {
  draining = true;
});
