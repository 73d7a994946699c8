import { z } from 'zod';

/**
 * Secret settings and what production asks of them. A setting is declared secret where it is defined, by wrapping
 * its schema: `STRIPE_WEBHOOK_SECRET: secret(z.string()…, { minLength: 24 })`. With NODE_ENV=production,
 * `loadConfig` then refuses to start when a secret is a development value (one of this repository's defaults, or
 * anything that reads like a placeholder) or is shorter than its minimum; connection URLs are judged by the
 * password they carry. Messages name the setting, never the value.
 */
export interface SecretRule {
  /** Shortest value accepted in production (for a URL: its password). Default 16. */
  minLength?: number;
  /** The setting is a connection URL (mongodb://user:password@…): only its password is a secret. */
  url?: boolean;
  /**
   * A further rule, in every environment (the first admin's password follows the registration rule): why the
   * value is refused, or undefined. Gets the whole parsed configuration for context.
   */
  check?: (value: string, config: Record<string, unknown>) => string | undefined;
}

const DEFAULT_MIN_LENGTH = 16;

/** Secret settings, keyed by their schema object (the outermost one, as it stands in the config's shape). */
const secretSettings = z.registry<SecretRule>();

/** Declare a setting secret. Wrap the outermost schema (after `.optional()` / `.default()`). */
export function secret<T extends z.ZodType>(schema: T, rule: SecretRule = {}): T {
  secretSettings.add(schema, rule);
  return schema;
}

/**
 * Values this repository hands out for development and tests (services/<name>/dev.env, .env.example, the test
 * harness): never a production secret. The pattern catches the rest of the kind (`change-me…`, `…-dev-only`);
 * a test checks that every secret in .env.example and the dev.env files is refused.
 */
export const DEVELOPMENT_SECRETS: ReadonlySet<string> = new Set([
  'change-me-dev-admin-password',
  'admin-password-for-tests',
  'a sturdy test passphrase',
  'sk_test_eventify_development',
  'whsec_eventify_development_only',
  'sk_test_eventify_compose',
  'sk_test_123',
  'postgres',
  'password',
  'secret',
  'eventify',
]);
const PLACEHOLDER =
  /change[-_ ]?me|changeme|placeholder|dev[-_]only|development[-_]only|for[-_]tests|eventify[-_](development|compose|tests?)\b|^x+$|^(your|my)[-_ ]/i;

/** Why a secret value is not fit for production, or undefined. */
export function productionSecretProblem(value: string, minLength = DEFAULT_MIN_LENGTH): string | undefined {
  if (DEVELOPMENT_SECRETS.has(value) || PLACEHOLDER.test(value) || PLACEHOLDER.test(base64Text(value)))
    return 'is a development or placeholder value';
  if (value.length < minLength) return `is shorter than ${minLength} characters`;
  return undefined;
}

/** A key written in base64 (a key ring's) read as text, so `base64("dev-only-…")` is known for what it is. */
function base64Text(value: string): string {
  return /^[A-Za-z0-9+/=,]+$/.test(value) ? Buffer.from(value.split(',')[0]!, 'base64').toString('latin1') : '';
}

/** The password of a connection URL, decoded; undefined when it has none (or is not a URL). */
export function urlPassword(value: string): string | undefined {
  try {
    const password = new URL(value).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

/** A value fit for a log or an error message: secrets hidden, a URL's password masked. */
export function redactSetting(schema: z.ZodType | undefined, name: string, value: string): string {
  const rule = schema ? secretSettings.get(schema) : undefined;
  if (rule?.url) return value.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
  if (rule || /SECRET|PASSWORD|KEY|TOKEN/i.test(name)) return '<redacted>';
  return value;
}

/** The secret settings of an object schema: name → schema and rule. */
function secretsOf(schema: z.ZodType): [string, z.ZodType, SecretRule][] {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  return Object.entries(shape).flatMap(([name, field]) => {
    const rule = secretSettings.get(field);
    return rule ? [[name, field, rule] as [string, z.ZodType, SecretRule]] : [];
  });
}

/** The field schema of one setting (for redaction of a value that failed to parse). */
export function settingSchema(schema: z.ZodType, name: string): z.ZodType | undefined {
  return (schema as unknown as { shape?: Record<string, z.ZodType> }).shape?.[name];
}

/**
 * Problems of the configuration's secrets: each rule's own check always, and in production the
 * development-value and length rules. Empty values count as unset (compose passes `${X:-}` as "").
 */
export function secretIssues(schema: z.ZodType, config: Record<string, unknown>, env: Record<string, string | undefined> = {}): string[] {
  const production = config.NODE_ENV === 'production';
  const issues: string[] = [];
  for (const [name, , rule] of secretsOf(schema)) {
    // The value as configured: a setting that parses into something else (a key ring into its keys) is
    // judged by what the operator wrote.
    const value = env[name] ?? config[name];
    if (typeof value !== 'string' || value === '') continue;
    const own = rule.check?.(value, config);
    if (own) issues.push(`${name}: ${own}`);
    if (!production || own) continue;
    const judged = rule.url ? urlPassword(value) : value;
    if (judged === undefined) continue; // a URL without a password: nothing secret in it
    const problem = productionSecretProblem(judged, rule.minLength);
    if (problem) issues.push(`${name}: ${rule.url ? `the password in this URL ${problem}` : problem}; set a real secret in production`);
  }
  return issues;
}
