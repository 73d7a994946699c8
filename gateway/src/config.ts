import { z } from 'zod';
import { SERVICE_NAMES, serviceUrlEnvVar, type ServiceName } from '@eventify/contracts';
import { baseConfigSchema, loadConfig } from '@eventify/kit';

const serviceUrls = Object.fromEntries(
  SERVICE_NAMES.map((name) => [serviceUrlEnvVar(name), z.string().url().optional()]),
) as Record<string, z.ZodOptional<z.ZodString>>;

export const gatewayConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** How long a service may take to answer before the client gets 504. */
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** How long /readyz waits for each service. */
  READINESS_TIMEOUT_MS: z.coerce.number().int().positive().default(2_000),
  ...serviceUrls,
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return loadConfig('gateway', gatewayConfigSchema, env);
}

/** Base URL of each service the gateway was told about. */
export function upstreams(config: GatewayConfig): Partial<Record<ServiceName, string>> {
  const result: Partial<Record<ServiceName, string>> = {};
  for (const name of SERVICE_NAMES) {
    const url = (config as Record<string, unknown>)[serviceUrlEnvVar(name)];
    if (typeof url === 'string') result[name] = url.replace(/\/$/, '');
  }
  return result;
}
