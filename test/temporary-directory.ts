import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Starts something that lives in a fresh temporary directory: the directory is removed when the
 * thing stops, or at once when starting it fails.
 */
export async function inTemporaryDirectory<T extends { stop(): Promise<void> }>(prefix: string, start: (directory: string) => Promise<T>): Promise<T> {
  const directory = await mkdtemp(path.join(tmpdir(), prefix));
  const remove = () => rm(directory, { recursive: true, force: true });
  try {
    const started = await start(directory);
    return {
      ...started,
      async stop() {
        await started.stop();
        await remove();
      },
    };
  } catch (error) {
    await remove();
    throw error;
  }
}
