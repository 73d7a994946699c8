import { STATUS_CODES } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ProblemSchema, type ServiceName } from '@eventify/contracts';
import type { App, Mtls } from '@eventify/kit';
import type { Upstreams } from './config.js';
import { upstreamFetch } from './upstream-tls.js';

type Json = Record<string, unknown>;

export interface OpenApiDocument extends Json {
  openapi: string;
  info: Json;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  tags: { name: string; description?: string }[];
  'x-unavailable'?: string[];
}

export interface Operation extends Json {
  tags?: string[];
  security?: unknown[];
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

/** The services' documents as they come (each from its /openapi.json). */
interface ServiceDocument {
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

const SCHEMA_REF = '#/components/schemas/';
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';
const problemRef = (name: string) => ({ content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: `${SCHEMA_REF}${name}` } } } });

/** What the gateway itself may answer for any operation (besides what the service declares). */
const GATEWAY_ANSWERS: Record<string, string> = {
  '429': "Too many requests (the gateway's rate limits): wait as long as `Retry-After` says.",
  '502': 'The service answered badly.',
  '503': 'The service is unavailable right now: try again in a moment.',
  '504': 'The service did not answer in time.',
};

/** Every `$ref` to a component schema in `value`, rewritten by `rename` (in place). */
function rewriteRefs(value: unknown, rename: (name: string) => string): void {
  if (Array.isArray(value)) return value.forEach((item) => rewriteRefs(item, rename));
  if (!value || typeof value !== 'object') return;
  const object = value as Json;
  if (typeof object.$ref === 'string' && object.$ref.startsWith(SCHEMA_REF))
    object.$ref = SCHEMA_REF + rename(object.$ref.slice(SCHEMA_REF.length));
  for (const child of Object.values(object)) rewriteRefs(child, rename);
}

function refsIn(value: unknown, found: Set<string>): Set<string> {
  if (Array.isArray(value)) value.forEach((item) => refsIn(item, found));
  else if (value && typeof value === 'object') {
    const object = value as Json;
    if (typeof object.$ref === 'string' && object.$ref.startsWith(SCHEMA_REF)) found.add(object.$ref.slice(SCHEMA_REF.length));
    for (const child of Object.values(object)) refsIn(child, found);
  }
  return found;
}

/**
 * One document from the services' own: each service's component schemas are renamed `<service>.<Name>` (the
 * `$ref`s with them), so two services' `Event` never overwrite each other, and only those its operations use are
 * kept. The problem details every error shares are one `Problem`. Every operation is tagged with its service and lists what the gateway may answer for it too (429, 502,
 * 503, 504). Services that could not be asked are listed under `x-unavailable`.
 */
export function mergeDocuments(documents: Partial<Record<ServiceName, ServiceDocument>>, unavailable: readonly string[]): OpenApiDocument {
  const problem = z.toJSONSchema(ProblemSchema, { target: 'draft-2020-12' }) as { $defs?: Record<string, unknown> };
  const merged: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: 'Eventify API',
      version: '0.1.0',
      description:
        'The public API of Eventify, served by the gateway (docs/api.md). Sign in with POST /auth/login and send the access token as ' +
        '`Authorization: Bearer <token>`. Errors are RFC 9457 problem+json. Schemas are named `<service>.<Name>`.',
    },
    servers: [{ url: '/' }],
    paths: {},
    components: {
      schemas: { Problem: problem.$defs?.Problem ?? {} },
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    tags: [],
  };
  const shared = merged.components.schemas.Problem;
  for (const [service, original] of Object.entries(documents).sort(([a], [b]) => a.localeCompare(b)) as [ServiceName, ServiceDocument][]) {
    const document = structuredClone(original);
    // Every service's problem details are the contracts' ProblemSchema: one `Problem` for all, unless a service's differs.
    const sameProblem = isDeepStrictEqual(document.components?.schemas?.Problem, shared);
    const rename = (name: string) => (name === 'Problem' && sameProblem ? 'Problem' : `${service}.${name}`);
    rewriteRefs(document, rename);
    const schemas = Object.fromEntries(
      Object.entries(document.components?.schemas ?? {})
        .filter(([name]) => rename(name) !== 'Problem')
        .map(([name, schema]) => [rename(name), schema]),
    );
    // The components its operations use, and those they use in turn.
    const used = refsIn(document.paths, new Set());
    for (const pending = [...used]; pending.length;) {
      for (const name of refsIn(schemas[pending.pop()!], new Set())) {
        if (used.has(name)) continue;
        used.add(name);
        pending.push(name);
      }
    }
    for (const name of used) if (schemas[name]) merged.components.schemas[name] = schemas[name];
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      for (const [method, operation] of Object.entries(item)) {
        const responses = { ...operation.responses };
        // @fastify/swagger's placeholder says nothing: the status's own words say a little more.
        for (const [status, response] of Object.entries(responses)) {
          if (response.description === 'Default Response') responses[status] = { ...response, description: STATUS_CODES[status] ?? status };
        }
        for (const [status, description] of Object.entries(GATEWAY_ANSWERS))
          responses[status] ??= { description, ...problemRef('Problem') };
        (merged.paths[path] ??= {})[method] = { tags: [service], ...operation, responses };
      }
    }
    merged.tags.push({ name: service });
  }
  if (unavailable.length) merged['x-unavailable'] = [...unavailable].sort();
  return merged;
}

export interface DocsOptions {
  timeoutMs: number;
  /** How long a complete document is served before the services are asked again. */
  ttlMs: number;
  /** How soon to ask again when a service could not be asked. */
  retryMs: number;
  mtls?: Mtls | undefined;
}

/**
 * The merged document, built on first use and kept: asked for again after `ttlMs` (services are redeployed
 * with new routes), or after `retryMs` while one of them was unavailable. One build at a time, whoever asks.
 */
export class MergedDocs {
  private cached?: { document: OpenApiDocument; json: string; until: number };
  private building?: Promise<OpenApiDocument>;

  constructor(
    private readonly upstreams: Upstreams,
    private readonly options: DocsOptions,
  ) {}

  /** The last document built, if any (without asking anyone). */
  current(): OpenApiDocument | undefined {
    return this.cached?.document;
  }

  json(): string | undefined {
    return this.cached?.json;
  }

  async get(): Promise<OpenApiDocument> {
    if (this.cached && Date.now() < this.cached.until) return this.cached.document;
    this.building ??= this.build().finally(() => (this.building = undefined));
    return this.building;
  }

  private async build(): Promise<OpenApiDocument> {
    const documents: Partial<Record<ServiceName, ServiceDocument>> = {};
    const unavailable: string[] = [];
    await Promise.all(
      Object.entries(this.upstreams).map(async ([name, urls]) => {
        try {
          // Any replica will do: the balanced fetch picks one that is up.
          const fetch = upstreamFetch(this.options.mtls, name as ServiceName, urls!);
          const response = await fetch(`${urls![0]}/openapi.json`, { signal: AbortSignal.timeout(this.options.timeoutMs) });
          if (!response.ok) throw new Error(String(response.status));
          documents[name as ServiceName] = (await response.json()) as ServiceDocument;
        } catch {
          unavailable.push(name);
        }
      }),
    );
    const document = mergeDocuments(documents, unavailable);
    this.cached = {
      document,
      json: JSON.stringify(document),
      until: Date.now() + (unavailable.length ? this.options.retryMs : this.options.ttlMs),
    };
    return document;
  }
}

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** Swagger UI may run its own scripts and styles (all served from /docs/static), nothing from elsewhere. */
const UI_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/**
 * `/docs`: the interactive API docs (Swagger UI, its assets served from here: no CDN), and the document itself at
 * `/docs/openapi.json` (also `/docs/json`, where the UI reads it). Every request to them is rate limited per
 * address like the API (`rateLimit`); the document is built once and cached (MergedDocs).
 */
export async function registerDocs(app: App, docs: MergedDocs, rateLimit: Hook): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onRequest', rateLimit);
    scope.get('/docs/openapi.json', { schema: { hide: true } }, async (_request, reply) => {
      await docs.get();
      return reply.type('application/json; charset=utf-8').send(docs.json());
    });
    await scope.register(fastifySwaggerUi, {
      routePrefix: '/docs',
      staticCSP: UI_CSP,
      uiConfig: { deepLinking: true, persistAuthorization: false, tryItOutEnabled: false },
      uiHooks: {
        preHandler: async () => {
          await docs.get();
        },
      },
      transformSpecificationClone: false,
      transformSpecification: () => docs.current() ?? {},
      theme: { title: 'Eventify API' },
    });
  });
}
