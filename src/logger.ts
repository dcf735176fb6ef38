import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logger (pino). Tokens, passwords and message text are redacted by path;
 * log ids and counts, never personal data.
 * @param level pino level name, e.g. `info`; `silent` for tests.
 * @param destination where lines go (default stdout); tests pass a stream to read the lines.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { app: 'csp-transition-assistant' },
    redact: {
      paths: ['*.authorization', '*.headers.authorization', '*.password', '*.token', '*.text', 'activity.text', 'activity.value'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
