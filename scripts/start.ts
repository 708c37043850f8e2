// `npm start`: the whole platform on this machine with no configuration. Starts an embedded
// PostgreSQL unless DATABASE_URL is set, migrates it, builds the CSS, starts the local metrics and
// alerting stack (VictoriaMetrics, vmalert, Alertmanager, node-exporter) for what VM_URL and
// ALERTMANAGER_URL do not point elsewhere, runs both services as child processes, and waits until
// all are ready. docs/operations.md, "Local metrics and alerting stack", has the ports and files.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createDb, migrateToLatest, sql } from '@sre/db';
import { startEmbeddedServer, type EmbeddedServer } from '@sre/db/embedded';
import { startAlertmanager } from './stack/alertmanager';
import { isInstalled, stackBinaries, type StackBinary } from './stack/binaries';
import { seedHostDevice } from './stack/host-device';
import { startNodeExporter } from './stack/node-exporter';
import type { StackProcess } from './stack/process';
import { renderScrapeConfig, type ScrapeTarget } from './stack/scrape-config';
import { startVictoriaMetrics } from './stack/victoriametrics';
import { startVmalert } from './stack/vmalert';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const started = Date.now();
const say = (message: string) => console.log(`[start] ${message}`);

const controlPlanePort = process.env.CONTROL_PLANE_PORT ?? '8080';
const assistantPort = process.env.ASSISTANT_PORT ?? '8081';
const devIdentityPort = process.env.DEV_OIDC_PORT ?? '8082';
const controlPlaneUrl = process.env.CONTROL_PLANE_URL ?? `http://127.0.0.1:${controlPlanePort}`;
const assistantUrl = process.env.ASSISTANT_URL ?? `http://127.0.0.1:${assistantPort}`;
const stackPorts = { victoriaMetrics: 8428, vmalert: 8880, alertmanager: 9093, nodeExporter: 9100 };
const stackDirectory = path.join(root, '.data', 'stack');
const thisHost = hostname();

const stackProcesses: StackProcess[] = [];
const children: ChildProcess[] = [];
let embedded: EmbeddedServer | undefined;
let stopping = false;
// The launcher owns the shutdown order: services, then the stack, then PostgreSQL.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => void stop(0));
// Whatever else ends the launcher (an uncaught error, a second exit), the stack gets its SIGTERM.
process.on('exit', () => stackProcesses.forEach((stackProcess) => stackProcess.terminate()));

let databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  const port = Number(process.env.EMBEDDED_POSTGRES_PORT ?? 54329);
  say(`no DATABASE_URL: starting embedded PostgreSQL on 127.0.0.1:${port} (data in .data/postgres)`);
  embedded = await startEmbeddedServer({ dataDir: path.join(root, '.data', 'postgres'), port, log: say });
  await ensureDatabase(embedded.connectionString, 'sre');
  databaseUrl = embedded.urlFor('sre');
}

const db = createDb({ connectionString: databaseUrl, maxConnections: 1, applicationName: 'migrator' });
const applied = await migrateToLatest(db).finally(() => db.destroy());
say(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database schema is up to date');

await run('npm', ['run', 'build:css', '--workspace', 'services/control-plane', '--silent']);

const webhookTokenFile = path.join(root, '.data', 'alertmanager-webhook-token');
const webhookToken = process.env.ALERTMANAGER_WEBHOOK_TOKEN ?? (await developmentWebhookToken());
const stack = await startMetricsStack().catch(async (error: unknown) => {
  say(`the metrics stack did not start (VM_URL or ALERTMANAGER_URL would use servers that already run): ${error instanceof Error ? error.message : String(error)}`);
  return stop(1);
});
if (stack.hostScraped) await seedThisHost();

// Development identity: the control plane runs the provider; the assistant trusts it too.
const developmentIdentity = process.env.OIDC_ISSUER_URL
  ? {}
  : { OIDC_ISSUER_URL: `http://127.0.0.1:${devIdentityPort}`, ASSISTANT_CLIENT_SECRET: process.env.ASSISTANT_CLIENT_SECRET ?? 'dev-sre-assistant-secret' };
const shared = {
  ...process.env,
  DATABASE_URL: databaseUrl,
  CONTROL_PLANE_URL: controlPlaneUrl,
  ASSISTANT_URL: assistantUrl,
  ALERTMANAGER_WEBHOOK_TOKEN: webhookToken,
  // GRAFANA_URL, when set, reaches the services with the rest of the environment.
  ...(stack.victoriaMetricsUrl && { VM_URL: stack.victoriaMetricsUrl }),
  ...(stack.alertmanagerUrl && { ALERTMANAGER_URL: stack.alertmanagerUrl }),
};

children.push(startService('control-plane', shared), startService('sre-assistant', { ...shared, ...developmentIdentity }));
for (const child of children) {
  child.once('exit', (code, signal) => stopBecause(`${child.spawnargs.at(-1)} exited (${signal ?? code})`));
}
for (const stackProcess of stackProcesses) {
  void stackProcess.exited.then(({ code, signal }) => stopBecause(`${stackProcess.name} exited (${signal ?? code}); its log is in ${path.relative(root, stackDirectory)}`));
}

await Promise.all([waitForReady(`${controlPlaneUrl}/readyz`), waitForReady(`${assistantUrl}/readyz`)]);
say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
say(`open ${controlPlaneUrl}${process.env.OIDC_ISSUER_URL ? '' : ' and log in as admin/admin, operator/operator or viewer/viewer'}`);

interface MetricsStack {
  /** Where the services find VictoriaMetrics and Alertmanager: local, from the environment, or nowhere. */
  victoriaMetricsUrl?: string;
  alertmanagerUrl?: string;
  /** node-exporter runs here and VictoriaMetrics scrapes it. */
  hostScraped: boolean;
}

/**
 * The local VictoriaMetrics, vmalert, Alertmanager and node-exporter, except where VM_URL or
 * ALERTMANAGER_URL name one to use instead. A missing binary is said and skipped.
 */
async function startMetricsStack(): Promise<MetricsStack> {
  const externalVictoriaMetrics = process.env.VM_URL || undefined;
  const externalAlertmanager = process.env.ALERTMANAGER_URL || undefined;
  if (externalVictoriaMetrics) say('VM_URL is set: no local VictoriaMetrics, vmalert or node-exporter');
  if (externalAlertmanager) say('ALERTMANAGER_URL is set: no local Alertmanager');

  const runVictoriaMetrics = !externalVictoriaMetrics && installed(stackBinaries.victoriaMetrics, 'VictoriaMetrics and vmalert', 'or set VM_URL to use yours');
  const runAlertmanager = !externalAlertmanager && installed(stackBinaries.alertmanager, 'Alertmanager', 'or set ALERTMANAGER_URL to use yours');
  // Without a local VictoriaMetrics nothing would scrape it.
  const runNodeExporter = runVictoriaMetrics && installed(stackBinaries.nodeExporter, 'node-exporter', "this host's metrics are not collected");
  const alertmanagerUrl = externalAlertmanager ?? (runAlertmanager ? `http://127.0.0.1:${stackPorts.alertmanager}` : undefined);
  if (runVictoriaMetrics && !alertmanagerUrl) say('vmalert: not started, it needs an Alertmanager; alerts are not evaluated');
  const runVmalert = runVictoriaMetrics && alertmanagerUrl !== undefined && installed(stackBinaries.vmalert, 'vmalert', 'alerts are not evaluated');

  const files = (name: string) => ({ logFile: path.join(stackDirectory, `${name}.log`), pidFile: path.join(stackDirectory, `${name}.pid`), log: say });
  await mkdir(stackDirectory, { recursive: true });
  const victoriaMetricsUrl = externalVictoriaMetrics ?? (runVictoriaMetrics ? `http://127.0.0.1:${stackPorts.victoriaMetrics}` : undefined);
  const scrapeConfigFile = runVictoriaMetrics ? await writeScrapeConfig({ node: runNodeExporter, vmalert: runVmalert, alertmanager: runAlertmanager }) : undefined;
  // The deployed routing and inhibitions, delivering to this machine's control plane, quicker.
  const alertmanagerTemplate = await readFile(path.join(root, 'deploy', 'victoriametrics', 'alertmanager.yml'), 'utf8');
  const bearerTokenFile = await tokenFileFor(webhookToken);

  await launch([
    runAlertmanager &&
      startAlertmanager({
        port: stackPorts.alertmanager,
        dataDir: path.join(root, '.data', 'alertmanager'),
        template: alertmanagerTemplate,
        webhookUrl: `http://127.0.0.1:${controlPlanePort}/api/v1/alerts/alertmanager`,
        bearerTokenFile,
        timing: { groupWait: '1s', groupInterval: '5s' },
        ...files('alertmanager'),
      }),
    runNodeExporter && startNodeExporter({ port: stackPorts.nodeExporter, ...files('node-exporter') }),
    runVictoriaMetrics &&
      startVictoriaMetrics({
        dataDir: path.join(root, '.data', 'victoriametrics'),
        port: stackPorts.victoriaMetrics,
        retention: '30d',
        scrapeConfigFile,
        // As in docker-compose.yml: Grafana's alerting API calls on VictoriaMetrics reach vmalert.
        extraArgs: runVmalert ? [`-vmalert.proxyURL=http://127.0.0.1:${stackPorts.vmalert}`] : [],
        ...files('victoriametrics'),
      }),
  ]);
  await launch([
    runVmalert &&
      startVmalert({
        ruleFiles: [path.join(root, 'deploy', 'victoriametrics', 'rules', '*.yml')],
        datasourceUrl: victoriaMetricsUrl!,
        notifierUrl: alertmanagerUrl!,
        port: stackPorts.vmalert,
        // Groups with their own interval keep it; the others (the pipeline check) answer quickly.
        evaluationInterval: '5s',
        ...files('vmalert'),
      }),
  ]);
  for (const stackProcess of stackProcesses) say(`${stackProcess.name} on ${stackProcess.url} (pid ${stackProcess.pid})`);
  return { victoriaMetricsUrl, alertmanagerUrl, hostScraped: runVictoriaMetrics && runNodeExporter };
}

/** Whether the binary is there; if not, says so once with the package to install. */
function installed(binary: StackBinary, what: string, otherwise: string): boolean {
  if (isInstalled(binary)) return true;
  say(`${what}: not started, ${binary.path} is missing (apt-get install ${binary.debianPackage}); ${otherwise}`);
  return false;
}

/** Waits for all the starts; keeps whatever started so that stop() finds it, then reports the first failure. */
async function launch(starts: Array<Promise<StackProcess> | false>): Promise<void> {
  const results = await Promise.allSettled(starts.filter((start) => start !== false));
  for (const result of results) if (result.status === 'fulfilled') stackProcesses.push(result.value);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
}

// The targets of deploy/victoriametrics/scrape.yml that run here, under the same job names and
// `service` labels, plus the `device` label by which alerts and the assistant find this host.
async function writeScrapeConfig(running: { node: boolean; vmalert: boolean; alertmanager: boolean }): Promise<string> {
  const local = (job: string, port: number | string, labels: Record<string, string>): ScrapeTarget => ({ job, address: `127.0.0.1:${port}`, labels });
  const targets = [
    ...(running.node ? [local('node', stackPorts.nodeExporter, { service: 'sre-platform-host', device: thisHost })] : []),
    local('control-plane', controlPlanePort, { service: 'control-plane' }),
    local('sre-assistant', assistantPort, { service: 'sre-assistant' }),
    local('victoriametrics', stackPorts.victoriaMetrics, { service: 'victoriametrics' }),
    ...(running.vmalert ? [local('vmalert', stackPorts.vmalert, { service: 'vmalert' })] : []),
    ...(running.alertmanager ? [local('alertmanager', stackPorts.alertmanager, { service: 'alertmanager' })] : []),
  ];
  const file = path.join(stackDirectory, 'scrape.yml');
  await writeFile(file, `# Generated at each start; edits are overwritten.\n${renderScrapeConfig(targets, '15s')}`);
  return file;
}

// This machine in the inventory under the labels its node-exporter series carry, so that its
// alerts and charts lead to a device from the first start.
async function seedThisHost(): Promise<void> {
  const database = createDb({ connectionString: databaseUrl!, maxConnections: 1, applicationName: 'npm-start' });
  try {
    const labels = { device: thisHost, instance: `127.0.0.1:${stackPorts.nodeExporter}`, job: 'node' };
    if (await seedHostDevice(database, { name: thisHost, labels }, 'npm start')) say(`added this host to the devices as ${thisHost}`);
  } finally {
    await database.destroy();
  }
}

function startService(name: 'control-plane' | 'sre-assistant', env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(root, 'services', name, 'src', 'main.ts')], {
    cwd: path.join(root, 'services', name),
    env,
    // The IPC channel closes when this launcher dies, however it dies: the services then exit.
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
}

function stopBecause(reason: string): void {
  if (stopping) return;
  say(`${reason}; stopping the rest`);
  void stop(1);
}

// Services first, then vmalert before the servers it calls; each by the PID it was started with.
async function stop(exitCode: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say('stopping');
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    for (const stackProcess of [...stackProcesses].reverse()) await stackProcess.stop();
    await embedded?.stop();
    process.exit(exitCode);
  }
  // A second caller waits for the first one's exit.
  return new Promise<never>(() => {});
}

async function waitForReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    const ready = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then((response) => response.ok, () => false);
    if (ready) return;
    await sleep(200);
  }
  if (!stopping) {
    say(`${url} did not become ready within ${timeoutMs / 1000} s`);
    await stop(1);
  }
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = createDb({ connectionString: adminUrl, maxConnections: 1 });
  try {
    const exists = await sql<{ found: number }>`select 1 as found from pg_database where datname = ${name}`.execute(admin);
    if (exists.rows.length === 0) await sql`create database ${sql.id(name)}`.execute(admin);
  } finally {
    await admin.destroy();
  }
}

// The intake needs a secret; locally one is generated once and kept beside the data, so a
// local Alertmanager (or curl) can read it from the file.
async function developmentWebhookToken(): Promise<string> {
  if (!existsSync(webhookTokenFile)) {
    await mkdir(path.dirname(webhookTokenFile), { recursive: true });
    await writeFile(webhookTokenFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
    say(`generated the Alertmanager webhook token in ${path.relative(root, webhookTokenFile)}`);
  }
  return (await readFile(webhookTokenFile, 'utf8')).trim();
}

// Alertmanager reads the token from a file. Normally that is the generated one; a token given in
// ALERTMANAGER_WEBHOOK_TOKEN is copied next to the stack's other files instead.
async function tokenFileFor(token: string): Promise<string> {
  if (existsSync(webhookTokenFile) && (await readFile(webhookTokenFile, 'utf8')).trim() === token) return webhookTokenFile;
  const file = path.join(stackDirectory, 'alertmanager-webhook-token');
  await writeFile(file, token, { mode: 0o600 });
  return file;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}
