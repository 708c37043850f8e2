import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';
import type { Logger } from './logger';

export interface ServeOptions {
  host: string;
  port: number;
  log: Logger;
  /** How long in-flight requests may take to finish after SIGTERM. */
  drainTimeoutMs?: number;
  /** Called once the server has stopped accepting and in-flight requests are done. */
  onClose?: () => Promise<void>;
}

export interface RunningServer {
  server: http.Server;
  url: string;
  /** Stops accepting, waits for in-flight requests (bounded), then runs onClose. Idempotent. */
  close(): Promise<void>;
}

/** Listens on host:port; resolves once listening. */
export async function serve(handler: RequestListener, options: ServeOptions): Promise<RunningServer> {
  const { host, port, log, drainTimeoutMs = 10_000, onClose = async () => {} } = options;
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address}:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        log.warn({ drainTimeoutMs }, 'in-flight requests did not finish in time; closing their connections');
        server.closeAllConnections();
      }, drainTimeoutMs);
      await closed;
      clearTimeout(timer);
      await onClose();
    })();
    return closing;
  };
  return { server, url, close };
}

/**
 * Runs `close` on SIGTERM/SIGINT once, then exits; a second signal exits at once. A service
 * started by a supervisor over IPC (`npm start`) also shuts down when the supervisor is gone,
 * even if it was killed without a chance to signal.
 */
export function closeOnSignals(close: () => Promise<void>, log: Logger, onSignal: () => void = () => {}): void {
  let signalled = false;
  const handle = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(1);
    signalled = true;
    onSignal();
    log.info({ signal }, 'shutting down: no new requests, finishing in-flight ones');
    close().then(
      () => {
        log.info('shutdown complete');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', handle);
  process.once('SIGINT', handle);
  if (process.connected) process.once('disconnect', () => handle('SIGTERM'));
}
