import pino, { type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * The server's logger. Request headers and any field named like a credential are redacted
 * by pino itself, so a careless `log.info({req})` cannot leak a token.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["x-zendesk-webhook-signature"]',
          'req.headers["x-hub-signature"]',
          '*.token',
          '*.password',
          '*.apiToken',
          '*.accessToken',
          '*.clientSecret',
          '*.webhookSecret',
          '*.adminToken',
          'adminToken',
        ],
        censor: '[redacted]',
      },
      base: undefined,
    },
    destination,
  );
}
