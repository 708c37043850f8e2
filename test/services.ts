import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './ports';
import { repositoryRoot } from './repository-root';

export interface ServiceProcess {
  url: string;
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
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(repositoryRoot, 'services', name, 'src', 'main.ts')], {
    cwd: path.join(repositoryRoot, 'services', name),
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
  return { url, output: () => output, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}

export interface PlatformEnvironment {
  controlPlane: { url: string; env: Record<string, string> };
  assistant: { url: string; env: Record<string, string> };
}

/**
 * Both services wired to each other on free loopback ports, as `npm start` wires them: the
 * control plane runs the development identity provider, which the assistant trusts.
 */
export async function platformEnvironment(options: {
  databaseUrl: string;
  victoriaMetricsUrl: string;
  webhookToken: string;
  autoDiagnoseSeverities: string;
}): Promise<PlatformEnvironment> {
  const [controlPlanePort, identityPort, assistantPort] = [await freePort(), await freePort(), await freePort()];
  const controlPlaneUrl = `http://127.0.0.1:${controlPlanePort}`;
  const assistantUrl = `http://127.0.0.1:${assistantPort}`;
  const shared = { DATABASE_URL: options.databaseUrl, VM_URL: options.victoriaMetricsUrl };
  return {
    controlPlane: {
      url: controlPlaneUrl,
      env: {
        ...shared,
        CONTROL_PLANE_PORT: String(controlPlanePort),
        CONTROL_PLANE_URL: controlPlaneUrl,
        DEV_OIDC_PORT: String(identityPort),
        ASSISTANT_URL: assistantUrl,
        ALERTMANAGER_WEBHOOK_TOKEN: options.webhookToken,
        AUTO_DIAGNOSE_SEVERITIES: options.autoDiagnoseSeverities,
      },
    },
    assistant: {
      url: assistantUrl,
      env: {
        ...shared,
        ASSISTANT_PORT: String(assistantPort),
        OIDC_ISSUER_URL: `http://127.0.0.1:${identityPort}`,
        ASSISTANT_CLIENT_SECRET: 'dev-sre-assistant-secret',
        CONTROL_PLANE_URL: controlPlaneUrl,
      },
    },
  };
}
