// `npm start`: the whole platform on this machine with no configuration. Starts an embedded
// PostgreSQL unless DATABASE_URL is set, migrates it, builds the CSS, runs both services as
// child processes, and waits until both are ready.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createDb, migrateToLatest, sql } from '@sre/db';
import { startEmbeddedServer, type EmbeddedServer } from '@sre/db/embedded';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const started = Date.now();
const say = (message: string) => console.log(`[start] ${message}`);

const controlPlanePort = process.env.CONTROL_PLANE_PORT ?? '8080';
const assistantPort = process.env.ASSISTANT_PORT ?? '8081';
const devIdentityPort = process.env.DEV_OIDC_PORT ?? '8082';
const controlPlaneUrl = process.env.CONTROL_PLANE_URL ?? `http://127.0.0.1:${controlPlanePort}`;
const assistantUrl = process.env.ASSISTANT_URL ?? `http://127.0.0.1:${assistantPort}`;

let embedded: EmbeddedServer | undefined;
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

// Development identity: the control plane runs the provider; the assistant trusts it too.
const developmentIdentity = process.env.OIDC_ISSUER_URL
  ? {}
  : { OIDC_ISSUER_URL: `http://127.0.0.1:${devIdentityPort}`, ASSISTANT_CLIENT_SECRET: process.env.ASSISTANT_CLIENT_SECRET ?? 'dev-sre-assistant-secret' };
const webhookToken = process.env.ALERTMANAGER_WEBHOOK_TOKEN ?? (await developmentWebhookToken());
const shared = {
  ...process.env,
  DATABASE_URL: databaseUrl,
  CONTROL_PLANE_URL: controlPlaneUrl,
  ASSISTANT_URL: assistantUrl,
  ALERTMANAGER_WEBHOOK_TOKEN: webhookToken,
};

const children = [
  startService('control-plane', shared),
  startService('sre-assistant', { ...shared, ...developmentIdentity }),
];
let stopping = false;

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(0));
for (const child of children) {
  child.once('exit', (code, signal) => {
    if (stopping) return;
    say(`${child.spawnargs.at(-1)} exited (${signal ?? code}); stopping the rest`);
    void stop(1);
  });
}

await Promise.all([waitForReady(`${controlPlaneUrl}/readyz`), waitForReady(`${assistantUrl}/readyz`)]);
say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
say(`open ${controlPlaneUrl}${process.env.OIDC_ISSUER_URL ? '' : ' and log in as admin/admin, operator/operator or viewer/viewer'}`);

function startService(name: 'control-plane' | 'sre-assistant', env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(root, 'services', name, 'src', 'main.ts')], {
    cwd: path.join(root, 'services', name),
    env,
    // The IPC channel closes when this launcher dies, however it dies: the services then exit.
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
}

async function stop(exitCode: number): Promise<void> {
  if (stopping) return;
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
  await embedded?.stop();
  process.exit(exitCode);
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
  const file = path.join(root, '.data', 'alertmanager-webhook-token');
  if (!existsSync(file)) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
    say(`generated the Alertmanager webhook token in ${path.relative(root, file)}`);
  }
  return (await readFile(file, 'utf8')).trim();
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}
