import { z } from 'zod';
import { ConfigError } from './errors';

const csv = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

/** The environment the server reads, parsed once. */
export const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  ENCRYPTION_KEY: z
    .string()
    .refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  OPERATOR_TOKEN: z.string().min(16, 'must be at least 16 characters').optional().or(z.literal('').transform(() => undefined)),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional().or(z.literal('').transform(() => undefined)),
  OPENAI_API_KEY: z.string().default(''),
  OPENAI_BASE_URL: z.url('must be a URL').optional().or(z.literal('').transform(() => undefined)),
  OPENAI_MODEL: z.string().min(1).default('gpt-4.1-mini'),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  ALLOWED_PRIVATE_HOSTS: csv,
  PUBLIC_URL: z.url('must be a URL').optional().or(z.literal('').transform(() => undefined)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  INBOX_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(120_000),
  TURN_DEADLINE_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
  TOOL_SELECTION_BOUND: z.coerce
    .number()
    .int()
    .min(1)
    .max(128)
    .default(24)
    .describe('Past this many enabled actions, each model round is offered only the most relevant ones (OpenAI takes at most 128 tools)'),
  RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(36_500)
    .default(90)
    .describe('Conversations, calls, audit entries and finished proposals older than this are deleted (hourly)'),
  // Far under Node's 300 s default: a client that stalls its headers or body must not hold a socket.
  HTTP_HEADERS_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(300_000)
    .default(15_000)
    .describe('A client must send its request headers within this, else 408 and the socket is closed'),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(300_000)
    .default(30_000)
    .describe('A client must send its whole request (body included) within this, else 408; a slow answer after that is not cut'),
});

/** The parsed configuration. */
export type Config = z.output<typeof EnvSchema> & { publicUrl: string };

/** Parses an environment; throws a ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = EnvSchema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid environment:\n  ${lines.join('\n  ')}`);
  }
  const c = r.data;
  if (c.MONGODB_URI && !c.ENCRYPTION_KEY) {
    throw new ConfigError('invalid environment:\n  ENCRYPTION_KEY: required when MONGODB_URI is set (openssl rand -base64 32)');
  }
  if (c.HTTP_HEADERS_TIMEOUT_MS > c.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError('invalid environment:\n  HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS');
  }
  const publicUrl = (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, '');
  return { ...c, publicUrl };
}
