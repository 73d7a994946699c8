import type { ServiceName } from '@eventify/contracts';
import type { App, Mtls } from '@eventify/kit';
import type { Upstreams } from './config.js';
import { upstreamFetch } from './upstream-tls.js';

interface OpenApiDocument {
  openapi?: string;
  info?: unknown;
  paths?: Record<string, unknown>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
  tags?: { name: string }[];
}

/**
 * `/docs`: one OpenAPI document for the whole public API, merged from each service's /openapi.json.
 * A service that cannot be reached is listed under `x-unavailable` instead of failing the page.
 */
export function registerDocs(app: App, upstreams: Upstreams, timeoutMs: number, mtls?: Mtls): void {
  const merged = async () => {
    const document: OpenApiDocument & Record<string, unknown> = {
      openapi: '3.1.0',
      info: {
        title: 'Eventify API',
        version: '0.1.0',
        description: 'The public API of Eventify, served by the gateway. Errors are RFC 9457 problem+json.',
      },
      servers: [{ url: '/' }],
      paths: {},
      components: { schemas: {}, securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      tags: [],
    };
    const unavailable: string[] = [];
    await Promise.all(
      Object.entries(upstreams).map(async ([name, urls]) => {
        try {
          // Any replica will do: the balanced fetch picks one that is up.
          const fetch = upstreamFetch(mtls, name as ServiceName, urls!);
          const response = await fetch(`${urls![0]}/openapi.json`, { signal: AbortSignal.timeout(timeoutMs) });
          if (!response.ok) throw new Error(String(response.status));
          const spec = (await response.json()) as OpenApiDocument;
          for (const [path, item] of Object.entries(spec.paths ?? {})) {
            const tagged = Object.fromEntries(
              Object.entries(item as Record<string, { tags?: string[] }>).map(([method, op]) => [method, { tags: [name], ...op }]),
            );
            document.paths![path] = { ...(document.paths![path] as object), ...tagged };
          }
          Object.assign(document.components!.schemas!, spec.components?.schemas ?? {});
          document.tags!.push({ name });
        } catch {
          unavailable.push(name);
        }
      }),
    );
    document.tags!.sort((a, b) => a.name.localeCompare(b.name));
    if (unavailable.length) document['x-unavailable'] = unavailable.sort();
    return document;
  };
  app.get('/docs', { schema: { hide: true } }, merged);
  app.get('/docs/openapi.json', { schema: { hide: true } }, merged);
}
