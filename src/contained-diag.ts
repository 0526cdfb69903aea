/**
 * A diag logger that never throws. The application's logger (set with `diag.setLogger`) may
 * throw, for instance one that turns errors into exceptions in tests; ai-pricetag logs from
 * inside the application's requests, module loads and timers, where a throw would become the
 * application's exception. A message the logger failed on is dropped.
 */
import type { DiagLogger } from '@opentelemetry/api';

const LEVELS = ['error', 'warn', 'info', 'debug', 'verbose'] as const;

export function containedLogger(logger: DiagLogger): DiagLogger {
  const contained = {} as DiagLogger;
  for (const level of LEVELS) {
    contained[level] = (message: string, ...args: unknown[]) => {
      try {
        logger[level](message, ...args);
      } catch {
        // The application's logger failed; the application must not.
      }
    };
  }
  return contained;
}
