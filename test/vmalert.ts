import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startVmalert as startProcess } from '../scripts/stack/vmalert';
import { freePort } from './ports';
import { inTemporaryDirectory } from './temporary-directory';

export interface RunningVmalert {
  url: string;
  stop(): Promise<void>;
}

/**
 * A real vmalert on a free loopback port evaluating `rules` (the YAML text of one rule file)
 * against `datasourceUrl` and notifying `notifierUrl`. Evaluation queries "now": write the
 * series a rule should see with timestamps around Date.now().
 */
export function startVmalert(options: { rules: string; datasourceUrl: string; notifierUrl: string; evaluationInterval?: '1s' | '2s' }): Promise<RunningVmalert> {
  return inTemporaryDirectory('sre-vmalert-', async (directory) => {
    const ruleFile = path.join(directory, 'rules.yml');
    await writeFile(ruleFile, options.rules);
    const server = await startProcess({
      ruleFiles: [ruleFile],
      datasourceUrl: options.datasourceUrl,
      notifierUrl: options.notifierUrl,
      port: await freePort(),
      evaluationInterval: options.evaluationInterval ?? '1s',
    });
    return {
      url: server.url,
      stop: () => server.stop(),
    };
  });
}
