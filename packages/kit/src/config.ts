import { z } from 'zod';
import { redactSetting, secretIssues, settingSchema } from './secrets.js';

/**
 * Typed configuration, read once from the environment at start-up. A missing or malformed setting stops
 * the process with one readable message that names every problem, instead of failing later at first use.
 */
export class ConfigError extends Error {
  constructor(serviceName: string, issues: string[]) {
    super(`${serviceName}: invalid configuration\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Settings every service has. Services extend this with their own (see each service's config.ts). */
export const baseConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest request body accepted, in bytes. */
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  /** How long in-flight requests may take to finish on shutdown. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10_000),
  /** TLS for the service's own listener (gateway → service encryption in production). */
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
});
export type BaseConfig = z.infer<typeof baseConfigSchema>;

/** Comma separated list → array of trimmed, non-empty strings. */
export const csv = () =>
  z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    );

/**
 * Parse the environment with `schema`. Secret settings (declared with `secret()`, secrets.ts) are checked too:
 * in production a development value or a too-short one stops the start, naming the setting, never its value.
 */
export function loadConfig<TSchema extends z.ZodType>(
  serviceName: string,
  schema: TSchema,
  env: Record<string, string | undefined> = process.env,
): z.infer<TSchema> {
  const parsed = schema.safeParse(env);
  if (parsed.success) {
    const secrets = secretIssues(schema, parsed.data as Record<string, unknown>, env);
    if (secrets.length) throw new ConfigError(serviceName, secrets);
    return parsed.data;
  }
  const issues = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const value = issue.path.length ? env[String(issue.path[0])] : undefined;
    const shown = value === undefined ? 'not set' : `got "${redactSetting(settingSchema(schema, name), name, value)}"`;
    return `${name}: ${issue.message} (${shown})`;
  });
  throw new ConfigError(serviceName, issues);
}
