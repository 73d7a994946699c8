import { z } from 'zod';
import { replicaUrls } from './http/replicas.js';
import { secret } from './secrets.js';

/** A service's address: one URL, or its replicas' URLs comma separated (see http/replicas.ts), as the list. */
export const serviceUrls = () => z.string().transform(replicaUrls).pipe(z.array(z.string().url()).min(1, 'needs at least one URL'));

/**
 * Where another service is: HTTPS only, inside the platform every hop is mutual TLS. One URL or several (its
 * replicas) comma separated, kept as written: `createServiceClient` takes it as it is.
 */
export const httpsUrl = (fallback: string) =>
  z
    .string()
    .refine(
      (value) =>
        serviceUrls()
          .safeParse(value)
          .data?.every((url) => url.startsWith('https://')) ?? false,
      {
        message: 'must be an https:// URL, or several (one per replica) comma separated (services speak mutual TLS only)',
      },
    )
    .default(fallback);

/** Settings for the shared infrastructure; services pick the pieces they use. */
export const mongoConfig = {
  /** MongoDB URI including this service's own database name, e.g. mongodb://127.0.0.1:27017/event_db */
  MONGO_URL: secret(z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI'), { url: true }),
};
export const postgresConfig = {
  /** PostgreSQL URI including this service's own database name. */
  DATABASE_URL: secret(z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URI'), { url: true }),
};
export const redisConfig = {
  REDIS_URL: secret(
    z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URI')
      .default('redis://127.0.0.1:6379'),
    { url: true },
  ),
  /** Prefix of every Redis key (streams, rate limits, caches): separates environments sharing one Redis. */
  REDIS_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/)
    .default('eventify'),
  /** Idle time after which a pending event is delivered again (retry / crashed consumer take-over). */
  BUS_CLAIM_IDLE_MS: z.coerce.number().int().positive().default(15_000),
  BUS_MAX_ATTEMPTS: z.coerce.number().int().positive().default(5),
  /**
   * How often a publisher trims its streams (below what every consumer group has acknowledged). The test harness
   * makes it rare: its tests read the streams as the record of what was published.
   */
  BUS_TRIM_INTERVAL_MS: z.coerce.number().int().min(1_000).default(30_000),
  /** How often the outbox relay looks for events a crash or an outage left unpublished. */
  OUTBOX_INTERVAL_MS: z.coerce.number().int().min(50).default(1_000),
};
export const authConfig = {
  AUTH_JWKS_URL: httpsUrl('https://127.0.0.1:3001/auth/.well-known/jwks.json'),
  JWT_ISSUER: z.string().default('eventify-auth'),
  JWT_AUDIENCE: z.string().default('eventify'),
  /**
   * This service's internal identity: a directory with tls.crt, tls.key and ca.crt (a cert-manager Secret's
   * layout). It serves HTTPS to holders of the CA's certificates only and presents its own when it calls.
   */
  MTLS_DIR: z.string().min(1, 'must name the directory holding tls.crt, tls.key and ca.crt'),
};
