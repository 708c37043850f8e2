import { createAccessTokenVerifier } from '@sre/auth';
import { createDb } from '@sre/db';
import { closeOnSignals, createLogger, serve } from '@sre/service-kit';
import packageJson from '../package.json' with { type: 'json' };
import { createApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { createControlPlaneClient } from './integrations/control-plane.client';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`sre-assistant: ${error.message}`);
    process.exit(2);
  }
}

const config = readConfig();
const log = createLogger('sre-assistant', config.logLevel);
const db = createDb({
  connectionString: config.databaseUrl,
  applicationName: 'sre-assistant',
  onConnectionError: (error) => log.warn({ err: error }, 'an idle database connection failed; it will be replaced'),
});
const verifyAccessToken = createAccessTokenVerifier({ issuer: config.oidc.issuerUrl, audience: config.oidc.audience, jwksUri: config.oidc.jwksUrl });
const controlPlane = config.client.secret
  ? createControlPlaneClient({
      baseUrl: config.controlPlane.url,
      audience: config.controlPlane.audience,
      issuerUrl: config.oidc.issuerUrl,
      clientId: config.client.id,
      clientSecret: config.client.secret,
      // config refuses http issuers in production; this keeps the rule next to its use.
      allowInsecureRequests: !config.production && new URL(config.oidc.issuerUrl).protocol === 'http:',
    })
  : undefined;

let draining = false;
const app = createApp({ db, log, verifyAccessToken, controlPlane, version: packageJson.version, isDraining: () => draining });
const server = await serve(app, { host: config.host, port: config.port, log, onClose: () => db.destroy() });
closeOnSignals(server.close, log, () => {
  draining = true;
});
log.info({ url: server.url, issuer: config.oidc.issuerUrl, controlPlane: config.controlPlane.url }, 'sre-assistant listening');
