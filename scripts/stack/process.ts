// The one way the stack runs a server: spawn it on 127.0.0.1, wait until its readiness URL
// answers, keep the tail of its output for error messages, and stop it by the PID it was given.
import { spawn } from 'node:child_process';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isInstalled, MissingBinaryError, type StackBinary } from './binaries';

export interface StackProcess {
  name: string;
  /** Base URL, http://127.0.0.1:PORT. */
  url: string;
  pid: number;
  /** Settles when the process has exited, whatever the reason (stop() included). */
  exited: Promise<ProcessExit>;
  /** SIGTERM, then SIGKILL if it is still running after the stop timeout. Safe to call twice. */
  stop(): Promise<void>;
  /** SIGTERM without waiting, if it still runs: for `process.on('exit')`, where nothing can be awaited. */
  terminate(): void;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartProcessOptions {
  binary: StackBinary;
  args: string[];
  url: string;
  /** Path under `url` that answers 2xx once the server can take requests (/health, /-/ready). */
  readinessPath: string;
  /**
   * Appends stdout and stderr here. The process writes to the file itself, not through this
   * process, so it can finish a graceful shutdown after the launcher is gone (a Go program
   * writing to a closed pipe dies of SIGPIPE). Without it only stderr is kept, in memory.
   */
  logFile?: string;
  /**
   * Records the PID here while the process runs. A launcher that is SIGKILLed cannot stop its
   * children, so a PID file left behind names the leftover to stop before starting again.
   */
  pidFile?: string;
  /** Receives notices such as a leftover process being stopped. */
  log?: (message: string) => void;
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
}

/** The server did not come up: it exited, could not be spawned, or never became ready. */
export class ProcessStartError extends Error {
  override readonly name = 'ProcessStartError';

  constructor(
    readonly binary: StackBinary,
    reason: string,
    /** The end of what it wrote (its log file, or stderr); undefined when it never ran. */
    readonly outputTail?: string,
  ) {
    super(`${binary.name} ${reason}${outputTail === undefined ? '' : outputTail ? `:\n${outputTail}` : ' (no output)'}`);
  }
}

const outputTailLength = 4_000;

/** Starts `binary` and resolves once its readiness URL answers; throws MissingBinaryError or ProcessStartError. */
export async function startProcess(options: StartProcessOptions): Promise<StackProcess> {
  const { binary, url, readyTimeoutMs = 15_000, stopTimeoutMs = 5_000 } = options;
  if (!isInstalled(binary)) throw new MissingBinaryError(binary);
  if (options.pidFile) await stopLeftover(options.pidFile, binary, stopTimeoutMs, options.log);
  // Otherwise the readiness check could be answered by whatever already listens there.
  if (await isListening(url)) throw new ProcessStartError(binary, `cannot listen on ${url}: the port is already in use`);

  const logFile = options.logFile ? await openLog(options.logFile) : undefined;
  const child = spawn(binary.path, options.args, {
    stdio: ['ignore', logFile?.handle.fd ?? 'ignore', logFile?.handle.fd ?? 'pipe'],
    // Its own process group: Ctrl-C in a terminal reaches only the launcher, which then stops
    // the stack in order (vmalert before the servers it talks to) instead of all at once.
    detached: true,
  });
  // The child holds its own copy of the descriptor.
  await logFile?.handle.close();
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderrTail = (stderrTail + chunk.toString()).slice(-outputTailLength)));
  const outputTail = async () => (logFile ? await readLogSince(logFile.path, logFile.offset) : stderrTail).trim();

  let spawnError: Error | undefined;
  let exit: ProcessExit | undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    // Settles only once the PID file is gone, so that a launcher exiting right after stop()
    // leaves no stale PID behind.
    const settle = (result: ProcessExit) => {
      exit = result;
      const removed = options.pidFile ? rm(options.pidFile, { force: true }).catch(() => undefined) : Promise.resolve();
      void removed.then(() => resolve(result));
    };
    child.once('error', (error) => {
      spawnError = error;
      settle({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => settle({ code, signal }));
  });
  // 'close' comes after the last output, which 'exit' does not promise.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));

  const terminate = () => {
    if (!exit) child.kill('SIGTERM');
  };
  const stop = async () => {
    if (exit) return;
    child.kill('SIGTERM');
    const forced = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
    await exited;
    clearTimeout(forced);
  };

  if (child.pid !== undefined && options.pidFile) await writeFile(options.pidFile, `${child.pid}\n`);

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exit || spawnError) {
      await Promise.race([closed, sleep(500)]);
      const reason = spawnError ? `could not be started (${spawnError.message})` : `exited during start-up (${exit?.signal ?? `status ${exit?.code}`})`;
      throw new ProcessStartError(binary, reason, await outputTail());
    }
    if (await answers(`${url}${options.readinessPath}`)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new ProcessStartError(binary, `was not ready at ${url}${options.readinessPath} within ${readyTimeoutMs / 1000} s`, await outputTail());
    }
    await Promise.race([sleep(50), exited]);
  }

  return { name: binary.name, url, pid: child.pid!, exited, stop, terminate };
}

function isListening(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** Opens the log for appending, marks this start in it, and notes where this start's output begins. */
async function openLog(file: string) {
  await mkdir(path.dirname(file), { recursive: true });
  const handle = await open(file, 'a');
  await handle.write(`--- ${new Date().toISOString()} starting\n`);
  return { handle, path: file, offset: (await handle.stat()).size };
}

async function readLogSince(file: string, offset: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const start = Math.max(offset, size - outputTailLength);
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(size - start), 0, size - start, start);
    return buffer.subarray(0, bytesRead).toString();
  } finally {
    await handle.close();
  }
}

/**
 * Stops the process a PID file names, but only if that PID still runs this very binary: after a
 * reboot the number may belong to anything.
 */
async function stopLeftover(pidFile: string, binary: StackBinary, timeoutMs: number, log?: (message: string) => void): Promise<void> {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  if (await runsBinary(pid, binary)) {
    log?.(`stopping the ${binary.name} (pid ${pid}) left running by an earlier launcher`);
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + timeoutMs;
    while ((await runsBinary(pid, binary)) && Date.now() < deadline) await sleep(50);
    if (await runsBinary(pid, binary)) process.kill(pid, 'SIGKILL');
    while (await runsBinary(pid, binary)) await sleep(50);
  }
  await rm(pidFile, { force: true });
}

async function runsBinary(pid: number, binary: StackBinary): Promise<boolean> {
  const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  // A zombie has an empty command line: it is gone as far as ports and files are concerned.
  return commandLine.split('\0')[0] === binary.path;
}
