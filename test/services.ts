import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface ServiceProcess {
  url: string;
  pid: number;
  /** Everything the service logged so far (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGKILL: the process dies at once, mid-task, as in a crash or an OOM kill. */
  kill(): Promise<void>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * One of the platform's services as its own process, exactly as `npm start` runs it (its
 * main.ts under tsx), with the given environment; resolves once /readyz answers 200.
 */
export async function startServiceProcess(name: 'control-plane' | 'sre-assistant', url: string, env: Record<string, string>): Promise<ServiceProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'services', name, 'src', 'main.ts')], {
    cwd: path.join(root, 'services', name),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };

  for (const deadline = Date.now() + 30_000; ; ) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready:\n${output.slice(-3000)}`);
    if (await fetch(`${url}/readyz`).then((response) => response.ok, () => false)) break;
    if (Date.now() > deadline) {
      await signal('SIGKILL');
      throw new Error(`${name} was not ready within 30 s:\n${output.slice(-3000)}`);
    }
    await sleep(100);
  }
  return { url, pid: child.pid!, output: () => output, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}
