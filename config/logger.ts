import pino, { type DestinationStream, type Logger } from 'pino';

/** Keys whose values never reach a log line, wherever they sit in the logged object. */
export const secretKeys = [
  'password',
  'passwordHash',
  'adminPass',
  'token',
  'accessToken',
  'refreshToken',
  'authorization',
  'secret',
  'AUTH_SECRET',
  'OS_PASSWORD',
  'TWILIO_AUTH_TOKEN',
  'SMTP_URL',
  'DATABASE_URL',
  'DBSERVICE_URL',
];

const paths = secretKeys.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers.${k}`, `req.headers.${k}`]);

export function createLogger(level: string, name = 'cmp', destination?: DestinationStream): Logger {
  const options = { name, level, redact: { paths, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
