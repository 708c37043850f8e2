// Fails when the committed contract types are stale or the contract does not lint.
//
// Staleness is checked by `npm run generate -- --check`: openapi-typescript regenerates in memory
// with exactly the options of the `generate` script and compares with the committed file, so the
// check and the generator cannot disagree about flags.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const repositoryRoot = path.resolve(import.meta.dirname, '..');
const contract = 'contracts/openapi.yaml';
const generated = 'contracts/generated/assistant-api.ts';

function run(command: string, args: string[]): { ok: boolean; output: string } {
  const result = spawnSync(command, args, {
    cwd: repositoryRoot,
    encoding: 'utf8',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
  });
  if (result.error) return { ok: false, output: `could not run ${command}: ${result.error.message}` };
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

function checkGeneratedTypes(): string | undefined {
  if (!existsSync(path.join(repositoryRoot, generated))) return `${generated} is missing: run \`npm run generate\` and commit the result.`;
  const check = run('npm', ['run', '--silent', 'generate', '--', '--check']);
  if (check.ok) return undefined;
  // openapi-typescript's --check reports plain staleness as "Generated types are not up-to-date!".
  if (/not up-to-date/.test(check.output)) {
    return `${generated} is stale: it does not match ${contract}. Run \`npm run generate\` and commit the result.`;
  }
  return `types could not be generated from ${contract}:\n${check.output}`;
}

function lintContract(): string | undefined {
  const lint = run('npx', ['--no-install', 'redocly', 'lint', contract]);
  return lint.ok ? undefined : `${contract} fails \`redocly lint\`:\n${lint.output}`;
}

const failures = [checkGeneratedTypes(), lintContract()].filter((failure) => failure !== undefined);
for (const failure of failures) console.error(`contract check failed: ${failure}`);
if (failures.length === 0) console.log(`contract check passed: ${generated} is current and ${contract} passes redocly lint.`);
process.exitCode = failures.length === 0 ? 0 : 1;
