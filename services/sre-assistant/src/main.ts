import { createAccessTokenVerifier } from '@sre/auth';
import { createDb } from '@sre/db';
import { closeOnSignals, createHttpMetrics, createLogger, serve } from '@sre/service-kit';
import packageJson from '../package.json' with { type: 'json' };
import { createVictoriaMetricsClient } from '@sre/victoriametrics';
import { createAlertDiagnoser } from './analysis/alert-diagnoser';
import { createTaskWorker } from './investigation/task-worker.service';
import { createEvidenceCollector } from './analysis/evidence-collector';
import { createApp } from './app';
import { ConfigError, loadConfig, type Config, type ModelConfig } from './config';
import { createAgentMetrics } from './agent/agent-metrics';
import { createInvestigator, type Investigator } from './agent/investigator';
import { pricesFor } from './agent/model/cost';
import { createGeminiModel } from './agent/model/gemini-model';
import { defaultToolLimits } from './agent/tools/limits';
import { createToolRegistry } from './agent/tools/registry';
import { createControlPlaneClient } from './integrations/control-plane.client';
import { createGrafanaClient } from './integrations/grafana.client';
import { createTaskQueue } from './tasks/task-queue';

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

const metrics = config.victoriaMetricsUrl ? createVictoriaMetricsClient({ url: config.victoriaMetricsUrl }) : undefined;
if (!metrics) log.warn('VM_URL is not set: diagnoses will complete as partial, without metric evidence');
const diagnoser = createAlertDiagnoser({ collector: createEvidenceCollector({ metrics, inventory: controlPlane }) });
const grafana = config.grafana ? createGrafanaClient(config.grafana) : undefined;
if (config.grafana && !config.grafana.token) {
  log.warn({ grafana: config.grafana.url }, 'GRAFANA_SERVICE_ACCOUNT_TOKEN is not set: the Grafana tools call Grafana anonymously, which works only if it admits anonymous viewers');
}

const httpMetrics = createHttpMetrics('sre-assistant');
const investigator = config.model ? agentFor(config.model) : undefined;
if (!investigator) log.warn('GEMINI_API_KEY is not set: diagnoses come from the deterministic engine alone, and free-form questions cannot be answered');
const taskQueue = createTaskQueue({ connectionString: config.databaseUrl, log, ...config.diagnosis });
await taskQueue.start();

let draining = false;
const app = createApp({ db, log, verifyAccessToken, controlPlane, taskQueue, version: packageJson.version, isDraining: () => draining, metrics: httpMetrics });
const server = await serve(app, {
  host: config.host,
  port: config.port,
  log,
  // Tasks in hand finish (or are handed back) before the pool they write with goes away.
  onClose: () => taskQueue.stop().finally(() => db.destroy()),
});
await taskQueue.work(createTaskWorker({ db, diagnoser, investigator, log }));
closeOnSignals(server.close, log, () => {
  draining = true;
});
log.info(
  { url: server.url, issuer: config.oidc.issuerUrl, controlPlane: config.controlPlane.url, victoriaMetrics: config.victoriaMetricsUrl ?? null, grafana: grafana?.url ?? null },
  'sre-assistant listening',
);

// The agent: Gemini with the read-only tools whose integrations are configured.
function agentFor(modelConfig: ModelConfig): Investigator {
  const model = createGeminiModel(modelConfig, (notice) => log.warn({ model: modelConfig.name, ...notice }, 'the model call is retried'));
  const tools = createToolRegistry({ metrics, inventory: controlPlane, grafana, diagnoser, limits: defaultToolLimits });
  const prices = pricesFor(modelConfig.name, modelConfig.prices);
  if (!prices) log.warn({ model: modelConfig.name }, 'no price is known for this model: costs are reported as unknown (set GEMINI_PRICE_*_USD_PER_MTOK)');
  const { maxSteps, timeoutSeconds, tokenBudget, toolOutputBytes } = config.agent;
  return createInvestigator({
    model,
    tools,
    limits: { maxSteps, timeoutMs: timeoutSeconds * 1000, tokenBudget, toolOutputBytes },
    prices,
    metrics: createAgentMetrics(httpMetrics.registry, tools.map((tool) => tool.name)),
  });
}
