import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { SERVICE_NAMES, serviceUrlEnvVar, type ServiceName } from '@eventify/contracts';
import { baseConfigSchema, csv, loadConfig, redisConfig, serviceUrls } from '@eventify/kit';
import { trustProxySetting } from './client-address.js';

/** `<NAME>_SERVICE_URL`: one URL (a Kubernetes Service) or the service's replicas' URLs, comma separated. */
const upstreamUrls = Object.fromEntries(SERVICE_NAMES.map((name) => [serviceUrlEnvVar(name), serviceUrls().optional()])) as Record<
  string,
  z.ZodOptional<ReturnType<typeof serviceUrls>>
>;

export const gatewayConfigSchema = baseConfigSchema
  .extend({
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    HOST: z.string().default('127.0.0.1'),
    /** How long a service may take to answer before the client gets 504. */
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    /**
     * Processes serving the public port (node:cluster): a number, or `auto` for one per core this process may use.
     * 1 by default: in Kubernetes a pod gets about a core and replicas add more, and on a machine shared with the
     * services two processes did worse than one (each spent twice the CPU per request at half the load:
     * docs/performance.md#gateway). For a gateway with idle cores of its own.
     */
    GATEWAY_WORKERS: z
      .union([z.literal('auto'), z.coerce.number().int().min(1).max(64)], {
        error: 'must be a number of processes from 1 to 64, or auto',
      })
      .default(1)
      .transform((value) => (value === 'auto' ? availableParallelism() : value)),
    /** The ops listener (/metrics, /readyz/services): never routed by the ingress; 127.0.0.1 outside a pod. */
    OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9080),
    OPS_HOST: z.string().default('127.0.0.1'),
    /** How long /readyz/services waits for each service. */
    READINESS_TIMEOUT_MS: z.coerce.number().int().positive().default(2_000),
    /** How long the merged API document (/docs) is kept before the services are asked again. */
    DOCS_TTL_MS: z.coerce.number().int().positive().default(300_000),
    /** How soon the document is built again when a service could not be asked for its part. */
    DOCS_RETRY_MS: z.coerce.number().int().positive().default(5_000),
    /**
     * Test harness only: check every answer to a service route against the API document (status, content type,
     * body) and append each mismatch to this file as a JSON line (response-check.ts). Refused in production.
     */
    RESPONSE_CHECK_FILE: z.string().min(1).optional(),
    ...upstreamUrls,
    AUTH_JWKS_URL: z.string().url().default('https://127.0.0.1:3001/auth/.well-known/jwks.json'),
    JWT_ISSUER: z.string().default('eventify-auth'),
    JWT_AUDIENCE: z.string().default('eventify'),
    /** Minimum time between JWKS refetches triggered by an unknown key id. */
    JWKS_COOLDOWN_MS: z.coerce.number().int().min(0).default(5_000),
    // Declared secret in the kit: a development password in it stops a production start.
    REDIS_URL: redisConfig.REDIS_URL,
    REDIS_NAMESPACE: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/)
      .default('eventify'),
    RATE_LIMIT_WINDOW_MS: z.coerce.number().int().positive().default(60_000),
    /** Requests per window for a signed-in user (counted after the token is verified). */
    RATE_LIMIT_USER_MAX: z.coerce.number().int().positive().default(600),
    /** Requests per window from one address, signed in or not (counted before any token is checked). */
    RATE_LIMIT_IP_MAX: z.coerce.number().int().positive().default(3000),
    /** Sign-in, sign-up, password recovery: requests per window from one address. */
    RATE_LIMIT_SENSITIVE_MAX: z.coerce.number().int().positive().default(20),
    /**
     * Who may name the client in X-Forwarded-For (see client-address.ts): unset/none (clients connect directly),
     * a hop count (load balancers in front, e.g. 1 behind the Kubernetes ingress), or their addresses/CIDRs.
     */
    TRUST_PROXY: trustProxySetting(),
    /** Origins allowed to call the API from a browser (the mobile web build), comma separated. */
    CORS_ORIGINS: csv(),
    /** Serve HTTP/2 (with HTTP/1.1 fallback) when TLS is on. */
    HTTP2: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /**
     * The gateway's internal identity (tls.crt, tls.key, ca.crt), presented to the services, which speak mutual
     * TLS only. Its public side is TLS_CERT_FILE/TLS_KEY_FILE (or plain HTTP behind a TLS-terminating ingress).
     */
    MTLS_DIR: z.string().min(1).optional(),
  })
  .superRefine((config, context) => {
    if (config.RESPONSE_CHECK_FILE && config.NODE_ENV === 'production') {
      context.addIssue({
        code: 'custom',
        path: ['RESPONSE_CHECK_FILE'],
        message: 'is for the test harness: it buffers and checks every answer',
      });
    }
    const internal = [
      ['AUTH_JWKS_URL', config.AUTH_JWKS_URL],
      ...SERVICE_NAMES.flatMap((name) =>
        (((config as Record<string, unknown>)[serviceUrlEnvVar(name)] as string[] | undefined) ?? []).map((url) => [
          serviceUrlEnvVar(name),
          url,
        ]),
      ),
    ];
    for (const [name, url] of internal as [string, string][]) {
      if (url.startsWith('https://') && !config.MTLS_DIR)
        context.addIssue({ code: 'custom', path: ['MTLS_DIR'], message: `is needed to reach ${name} over mutual TLS` });
      // Outside production a plain-HTTP upstream is allowed for fixtures and the TLS benchmark's baseline.
      if (!url.startsWith('https://') && config.NODE_ENV === 'production')
        context.addIssue({
          code: 'custom',
          path: [name],
          message: 'must be an https:// URL in production (services speak mutual TLS only)',
        });
    }
  });
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return loadConfig('gateway', gatewayConfigSchema, env);
}

/** Each service the gateway was told about: its replicas' base URLs (one for a Kubernetes Service). */
export type Upstreams = Partial<Record<ServiceName, string[]>>;

export function upstreams(config: GatewayConfig): Upstreams {
  const result: Upstreams = {};
  for (const name of SERVICE_NAMES) {
    const urls = (config as Record<string, unknown>)[serviceUrlEnvVar(name)];
    if (Array.isArray(urls)) result[name] = urls as string[];
  }
  return result;
}
