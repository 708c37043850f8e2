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

/** Runs a script that registers two "servers" whose stops write to a log, then waits; resolves with the script's exit and the log. */
async function interruptAfterStart(signal: NodeJS.Signals) {
  directory = await mkdtemp(path.join(tmpdir(), 'bench-support-'));
  const log = path.join(directory, 'stops.log');
  // .mts: the temporary directory has no package.json saying the script is a module.
  const script = path.join(directory, 'bench.mts');
  await writeFile(
    script,
    `import { appendFileSync } from 'node:fs';
import { startedServers } from ${JSON.stringify(path.join(repositoryRoot, 'bench', 'support.ts'))};
const servers = startedServers();
const server = (name: string) => ({ stop: async () => appendFileSync(${JSON.stringify(log)}, name + '\\n') });
servers.add(server('database'));
servers.add(server('victoriametrics'));
try {
  console.log('ready');
  await new Promise((resolve) => setTimeout(resolve, 60_000));
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
  return { code, stops: (await readFile(log, 'utf8')).trim().split('\n') };
}

describe('startedServers', () => {
  it('stops what a benchmark started, last first and once, when it is interrupted with Ctrl-C', async () => {
    expect(await interruptAfterStart('SIGINT')).toEqual({ code: 130, stops: ['victoriametrics', 'database'] });
  });

  it('does the same on SIGTERM', async () => {
    expect(await interruptAfterStart('SIGTERM')).toEqual({ code: 143, stops: ['victoriametrics', 'database'] });
  });
});
