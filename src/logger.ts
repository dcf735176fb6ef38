import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logger (pino). Tokens, passwords and message text are redacted by path;
 * log ids and counts, never personal data.
 * @param level pino level name, e.g. `info`; `silent` for tests.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { app: 'csp-transition-assistant' },
    redact: {
      paths: ['*.authorization', '*.headers.authorization', '*.password', '*.token', '*.text', 'activity.text', 'activity.value'],
      censor: '[redacted]',
    },
  });
}
