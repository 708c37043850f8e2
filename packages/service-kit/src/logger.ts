import pino, { type Logger } from 'pino';

export type { Logger };

// Secrets never reach the log: these paths are censored wherever they appear in a log object.
const redactedPaths = [
  'authorization', '*.authorization', 'headers.authorization', 'headers.cookie', '*.headers.cookie',
  'password', '*.password', 'clientSecret', '*.clientSecret', 'token', '*.token',
  'accessToken', '*.accessToken', 'databaseUrl', '*.databaseUrl',
];

/** Structured JSON logger for one service; `level` defaults to info. */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: redactedPaths, censor: '[redacted]' },
  });
}
