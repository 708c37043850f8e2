// The process primitive on a real binary (VictoriaMetrics: it starts in well under a second).
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../test/ports';
import { MissingBinaryError, stackBinaries } from './binaries';
import { ProcessStartError, startProcess, type StackProcess } from './process';

const victoriaMetrics = stackBinaries.victoriaMetrics;
const isRunning = (pid: number) => existsSync(`/proc/${pid}`);

describe('startProcess', () => {
  it('names the Debian package of a binary that is not installed', async () => {
    const binary = { name: 'Imaginary', path: '/usr/bin/sre-platform-imaginary', debianPackage: 'imaginary-package' };
    const error = await startProcess({ binary, args: [], url: 'http://127.0.0.1:1', readinessPath: '/health' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MissingBinaryError);
    expect((error as MissingBinaryError).binary.debianPackage).toBe('imaginary-package');
    expect((error as Error).message).toContain('apt-get install imaginary-package');
  });
});

describe('startProcess with VictoriaMetrics', () => {
  let directory: string;
  const started: StackProcess[] = [];
  const start = async (options: { port: number; args?: string[]; pidFile?: string; logFile?: string; log?: (message: string) => void }) => {
    const server = await startProcess({
      binary: victoriaMetrics,
      args: [`-storageDataPath=${path.join(directory, 'data')}`, `-httpListenAddr=127.0.0.1:${options.port}`, ...(options.args ?? [])],
      url: `http://127.0.0.1:${options.port}`,
      readinessPath: '/health',
      pidFile: options.pidFile,
      logFile: options.logFile,
      log: options.log,
    });
    started.push(server);
    return server;
  };

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'sre-stack-process-'));
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.stop()));
    await rm(directory, { recursive: true, force: true });
  });

  it('resolves once the readiness URL answers, and stop() ends that PID', async () => {
    const server = await start({ port: await freePort() });
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect(isRunning(server.pid)).toBe(true);

    await server.stop();
    expect(isRunning(server.pid)).toBe(false);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    await server.stop();
  });

  it('reports a start-up failure with the tail of stderr', async () => {
    const missingFile = path.join(directory, 'missing-scrape.yml');
    const error = await start({ port: await freePort(), args: [`-promscrape.config=${missingFile}`] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProcessStartError);
    expect((error as ProcessStartError).message).toMatch(/^VictoriaMetrics exited during start-up \(status 255\):\n/);
    expect((error as ProcessStartError).outputTail).toContain(`open ${missingFile}: no such file or directory`);
  });

  it('writes its output to the log file, whose tail of this start explains a failure', async () => {
    const logFile = path.join(directory, 'logs', 'victoriametrics.log');
    const running = await start({ port: await freePort(), logFile });
    await running.stop();
    const missingFile = path.join(directory, 'missing-scrape.yml');
    const error = await start({ port: await freePort(), logFile, args: [`-promscrape.config=${missingFile}`] }).catch((caught: unknown) => caught);

    const tail = (error as ProcessStartError).outputTail ?? '';
    expect(tail).toContain(`open ${missingFile}: no such file or directory`);
    expect(tail).not.toContain('--- ');
    const log = await readFile(logFile, 'utf8');
    expect(log.match(/^--- \S+ starting$/gm)).toHaveLength(2);
    expect(log).toContain('received signal terminated');
    expect(log.endsWith(`${tail}\n`)).toBe(true);
  });

  it('refuses a port another server listens on instead of taking its answers for readiness', async () => {
    const occupant = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => occupant.once('listening', resolve));
    const { port } = occupant.address() as { port: number };
    try {
      const error = await start({ port }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ProcessStartError);
      expect((error as Error).message).toContain(`cannot listen on http://127.0.0.1:${port}: the port is already in use`);
    } finally {
      occupant.close();
    }
  });

  it('stops the process a PID file names, left by a launcher that could not stop it', async () => {
    const port = await freePort();
    const pidFile = path.join(directory, 'victoriametrics.pid');
    const leftover = await start({ port, pidFile });
    expect((await readFile(pidFile, 'utf8')).trim()).toBe(String(leftover.pid));

    const notices: string[] = [];
    const successor = await start({ port, pidFile, log: (message) => notices.push(message) });
    expect(isRunning(leftover.pid)).toBe(false);
    expect(notices).toEqual([`stopping the VictoriaMetrics (pid ${leftover.pid}) left running by an earlier launcher`]);
    expect((await readFile(pidFile, 'utf8')).trim()).toBe(String(successor.pid));

    await successor.stop();
    expect(existsSync(pidFile)).toBe(false);
  });

  it('leaves alone a PID from the file that now belongs to another program', async () => {
    const pidFile = path.join(directory, 'victoriametrics.pid');
    await writeFile(pidFile, `${process.pid}\n`);
    const server = await start({ port: await freePort(), pidFile });
    expect(isRunning(process.pid)).toBe(true);
    expect((await readFile(pidFile, 'utf8')).trim()).toBe(String(server.pid));
  });
});
