import { appendFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { SERVICES } from '@eventify/contracts';
import type { App } from '@eventify/kit';
import type { MergedDocs, OpenApiDocument, Operation } from './docs.js';
import { isServicePath, pathOf } from './public-routes.js';

/** One answer that the API document does not describe. */
export interface ResponseViolation {
  method: string;
  path: string;
  /** The operation it matched, e.g. `GET /events/{id}`; absent when none did. */
  operation?: string;
  status: number;
  contentType: string;
  problem: string;
  /** The start of the body, to see what was sent. */
  body: string;
}

interface Route {
  pattern: RegExp;
  template: string;
  operations: Record<string, Operation>;
}

const mediaTypeOf = (contentType: string) => contentType.split(';')[0]!.trim().toLowerCase();

/**
 * Checks answers against the merged API document: the operation (method and path template), the status among its
 * responses (exact, `4XX`, or `default`), the media type among that response's content, and a JSON body against its
 * schema (JSON Schema 2020-12, as the document is OpenAPI 3.1). Errors must be problem+json.
 */
export class ResponseChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  private readonly routes: Route[];
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly unavailable: Set<string>;

  constructor(private readonly document: OpenApiDocument) {
    this.unavailable = new Set(document['x-unavailable'] ?? []);
    this.routes = Object.entries(document.paths)
      .map(([template, operations]) => ({
        template,
        operations,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      }))
      // Literal segments first: /events/mine before /events/{id}.
      .sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  }

  /** Undefined when the answer is as documented, else what is wrong with it. */
  check(method: string, path: string, status: number, contentType: string, body: string): string | undefined {
    const route = this.routes.find((r) => r.pattern.test(path) && r.operations[method.toLowerCase()]);
    const mediaType = mediaTypeOf(contentType);
    if (!route) {
      // No such operation (a 404 for an unknown route, a 405…): an error, as problem+json, is all that can be asked.
      if (status < 400) return `answered ${status} for an operation the API document does not have`;
      return this.validate(
        `problem`,
        { $ref: '#/components/schemas/Problem' },
        mediaType === 'application/problem+json' ? body : undefined,
        'a problem+json body',
      );
    }
    const operation = route.operations[method.toLowerCase()]!;
    const responses = operation.responses ?? {};
    const response = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
    if (!response) return `status ${status} is not among the documented ones (${Object.keys(responses).join(', ')})`;
    const content = response.content ?? {};
    if (Object.keys(content).length === 0)
      return body.length ? `a body was sent where the document declares none: ${contentType}` : undefined;
    const declared = content[mediaType];
    if (!declared) return `content type "${contentType}" is not among the documented ones (${Object.keys(content).join(', ')})`;
    if (!/json/.test(mediaType) || !declared.schema) return undefined;
    return this.validate(`${method} ${route.template} ${status} ${mediaType}`, declared.schema, body, `${mediaType}`);
  }

  private validate(key: string, schema: unknown, body: string | undefined, what: string): string | undefined {
    let data: unknown;
    try {
      if (body === undefined) throw new Error('wrong media type');
      data = JSON.parse(body);
    } catch {
      return `the body is not ${what}`;
    }
    let validate = this.validators.get(key);
    if (!validate) {
      // Compiled with the document's components alongside, where the schema's `#/components/schemas/…` refs point.
      validate = this.ajv.compile({
        ...(schema as object),
        $id: `urn:eventify:check:${this.validators.size}`,
        components: this.document.components,
      });
      this.validators.set(key, validate);
    }
    if (validate(data)) return undefined;
    return this.ajv.errorsText(validate.errors, { dataVar: 'body', separator: '; ' });
  }

  /** The operation an answer belongs to, for the record. */
  operationOf(method: string, path: string): string | undefined {
    const route = this.routes.find((r) => r.pattern.test(path) && r.operations[method.toLowerCase()]);
    return route && `${method} ${route.template}`;
  }

  /** False for a path of a service that could not be asked when the document was built: its routes are not in it. */
  judges(path: string): boolean {
    const owner = Object.values(SERVICES).find((service) =>
      service.prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)),
    );
    return !owner || !this.unavailable.has(owner.name);
  }
}

async function bufferOf(payload: unknown): Promise<Buffer | string | undefined> {
  if (payload === null || payload === undefined) return undefined;
  if (typeof payload === 'string' || Buffer.isBuffer(payload)) return payload;
  if (payload instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const chunk of payload) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks);
  }
  return undefined;
}

/**
 * The test harness's check (RESPONSE_CHECK_FILE): every answer to a service route, proxied or the gateway's own
 * (401, 429, 503…), is compared with the merged API document, and each mismatch appended to `file` as a JSON
 * line; the harness fails the test that received it (packages/testing, `stack.stop`). A streamed answer is
 * buffered first, which is why this is never on in production (config.ts refuses it).
 */
export function registerResponseCheck(app: App, docs: MergedDocs, file: string): void {
  let checker: { document: OpenApiDocument; checker: ResponseChecker } | undefined;
  app.addHook('onSend', async (request, reply, payload) => {
    const path = pathOf(request.url);
    if (request.method === 'OPTIONS' || request.method === 'HEAD' || !isServicePath(path)) return payload;
    const body = await bufferOf(payload);
    if (payload instanceof Readable && body !== undefined) {
      reply.removeHeader('transfer-encoding');
      reply.header('content-length', Buffer.byteLength(body));
    }
    const document = await docs.get();
    if (checker?.document !== document) checker = { document, checker: new ResponseChecker(document) };
    const text = body === undefined ? '' : body.toString();
    const contentType = String(reply.getHeader('content-type') ?? '');
    if (checker.checker.judges(path)) {
      const problem = checker.checker.check(request.method, path, reply.statusCode, contentType, text);
      if (problem) {
        const violation: ResponseViolation = {
          method: request.method,
          path,
          status: reply.statusCode,
          contentType,
          problem,
          body: text.slice(0, 300),
        };
        const operation = checker.checker.operationOf(request.method, path);
        if (operation) violation.operation = operation;
        appendFileSync(file, `${JSON.stringify(violation)}\n`);
        request.log.warn({ violation }, 'answer does not match the API document');
      }
    }
    return body ?? payload;
  });
}
