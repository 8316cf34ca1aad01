// The companion's one logger: pino JSON on stderr (stdout stays free for CLI output). Level from
// FORESIGHT_LOG_LEVEL (default 'info'); silent under NODE_ENV=test so test output stays readable.
import pino from 'pino';

function level(): string {
  if (process.env.FORESIGHT_LOG_LEVEL) return process.env.FORESIGHT_LOG_LEVEL;
  return process.env.NODE_ENV === 'test' ? 'silent' : 'info';
}

export const logger: pino.Logger = pino({ level: level(), base: { app: 'foresight' } }, pino.destination({ fd: 2, sync: true }));
