import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../test/repository-root';

let directory: string | undefined;
afterEach(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
});

/**
 * Runs a benchmark-like script whose "servers" log their stops, sends it `signal` once it prints
 * "ready", and resolves with its exit code and the log. `body` runs inside the script's try.
 */
async function interrupt(signal: NodeJS.Signals, body: string) {
  directory = await mkdtemp(path.join(tmpdir(), 'bench-support-'));
  const log = path.join(directory, 'stops.log');
  // .mts: the temporary directory has no package.json saying the script is a module.
  const script = path.join(directory, 'bench.mts');
  await writeFile(
    script,
    `import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startedServers } from ${JSON.stringify(path.join(repositoryRoot, 'bench', 'support.ts'))};
const servers = startedServers('bench:test');
/** A server that takes startMs to start and logs its stop. */
const start = async (name: string, startMs = 0) => {
  await sleep(startMs);
  return { stop: async () => appendFileSync(${JSON.stringify(log)}, name + '\\n') };
};
try {
  ${body}
  await sleep(60_000);
} finally {
  await servers.stopAll();
}
`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve()));
  if ((await Promise.race([ready.then(() => 'ready'), exited.then(() => 'exited')])) === 'exited') throw new Error(`the script exited before it was ready:\n${errors}`);
  child.kill(signal);
  const code = await exited;
  return { code, stops: (await readFile(log, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean) };
}

describe('startedServers', () => {
  const twoStarted = `await servers.add(start('database'));
  await servers.add(start('victoriametrics'));
  console.log('ready');`;

  it('stops what a benchmark started, last first, when it is interrupted with Ctrl-C', async () => {
    expect(await interrupt('SIGINT', twoStarted)).toEqual({ code: 130, stops: ['victoriametrics', 'database'] });
  });

  it('does the same on SIGTERM', async () => {
    expect(await interrupt('SIGTERM', twoStarted)).toEqual({ code: 143, stops: ['victoriametrics', 'database'] });
  });

  it('stops a server that was still starting when the signal came, and one the run started meanwhile', async () => {
    const body = `await servers.add(start('database'));
  const starting = servers.add(start('services', 500));
  console.log('ready');
  await starting;
  await servers.add(start('started after the signal'));`;
    expect(await interrupt('SIGINT', body)).toEqual({ code: 130, stops: ['services', 'started after the signal', 'database'] });
  });

  it('stops each server once when the signal comes while the run is already stopping them', async () => {
    // The run is stopping: a slow cleanup first (registered last), then the database. Ctrl-C comes during the cleanup.
    const body = `await servers.add(start('database'));
  servers.onStop(async () => {
    console.log('ready');
    await sleep(500);
  });
  await servers.stopAll();
  process.exit(0);`;
    const result = await interrupt('SIGINT', body);
    expect(result.code).toBe(130);
    expect(result.stops).toEqual(['database']);
  });
});
