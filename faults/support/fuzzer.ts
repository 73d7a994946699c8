import { randomUUID } from 'node:crypto';
import type { HttpClient, HttpResult } from '@eventify/testing';

/** One operation of the gateway's OpenAPI document. */
interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  query: { name: string; schema: Schema }[];
  body: Schema | undefined;
}

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  format?: string;
  minimum?: number;
  minLength?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  $ref?: string;
};

export interface FuzzFinding {
  method: string;
  url: string;
  variant: string;
  status: number | string;
  body: string;
}

/** Strings that have broken parsers, queries and logs somewhere. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  'x'.repeat(100_000),
  '\u0000',
  '\ud800', // a lone surrogate
  '\u202e\u0644\u0627 evil', // right-to-left override
  'Z\u0351\u0360\u0308a\u0341\u0360lgo\u0336\u0337',
  '👩‍👩‍👧‍👦'.repeat(500),
  '${jndi:ldap://127.0.0.1/x}',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '%00%ff',
  'null',
  '1e309',
];

/** MongoDB operators where a plain value belongs: wrong for every field that is not an object. */
const OPERATORS: [string, unknown][] = [
  ['mongo operator', { $gt: '' }],
  ['mongo $where', { $where: 'sleep(1000)' }],
  ['mongo $ne null', { $ne: null }],
];

/** Values of a kind a field may or may not accept. */
const HOSTILE_VALUES: [string, unknown][] = [
  ['array', ['a', { $gt: '' }]],
  ['null', null],
  ['true', true],
  ['huge number', 1e308],
  ['negative', -1],
  ['unsafe integer', 2 ** 53 + 1],
  ['fraction', 0.5],
  ['nested', JSON.parse('['.repeat(64) + ']'.repeat(64))],
  ['prototype', JSON.parse('{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}')],
];

const HOSTILE_IDS = [
  'no-such-thing',
  '00000000-0000-0000-0000-000000000000',
  encodeURIComponent('{"$gt":""}'),
  encodeURIComponent('../../internal/bookings/x'),
  'a'.repeat(3000),
  '%00',
  '%ff%fe',
  encodeURIComponent('😀\u202e'),
  '-1',
  '1e309',
  '[object Object]',
];

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const BAD_CURSORS = [
  '!!!',
  b64('not json'),
  b64({ c: { $gt: '' }, id: { $ne: null } }),
  b64({ c: 'not a date', id: 1 }),
  b64('{"s":1e309}'),
  b64([]),
  'x'.repeat(5000),
];

function resolveRef(schema: Schema | undefined, components: Record<string, Schema>): Schema | undefined {
  if (schema?.$ref) return resolveRef(components[schema.$ref.split('/').pop()!], components);
  return schema;
}

/** A plausible value for a schema: the scaffolding every mutation starts from. */
function sample(schema: Schema | undefined, components: Record<string, Schema>, depth = 0): unknown {
  const s = resolveRef(schema, components);
  if (!s || depth > 6) return 'x';
  if (s.enum?.length) return s.enum[0];
  const variant = s.anyOf?.[0] ?? s.oneOf?.[0] ?? s.allOf?.[0];
  if (variant) return sample(variant, components, depth + 1);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([key, prop]) => [key, sample(prop, components, depth + 1)]));
    case 'array':
      return [sample(s.items, components, depth + 1)];
    case 'integer':
    case 'number':
      return Math.max(1, s.minimum ?? 1);
    case 'boolean':
      return true;
    default:
      if (s.format === 'uuid') return randomUUID();
      if (s.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString();
      if (s.format === 'email') return 'fuzz@example.com';
      if (s.format === 'uri' || s.format === 'url') return 'https://example.com/x';
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
  }
}

export function operationsOf(doc: { paths?: Record<string, Record<string, unknown>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, raw] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const op = raw as {
        parameters?: { in: string; name: string; schema: Schema }[];
        requestBody?: { content?: Record<string, { schema: Schema }> };
      };
      const params = op.parameters ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return operations;
}

interface Variant {
  name: string;
  /** Hostile but possibly valid (odd Unicode, null where null is allowed, ...): must not break anything, may be stored. */
  mayBeValid?: boolean;
  url: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/** Malformed and hostile requests for one operation: every one of them is invalid. */
export function variantsOf(op: Operation, components: Record<string, Schema>, knownId: string): Variant[] {
  const fill = (id: string) => op.path.replace(/\{[^}]+\}/g, id);
  const url = fill(knownId);
  const variants: Variant[] = [];
  for (const id of op.pathParams.length ? HOSTILE_IDS : []) variants.push({ name: `path id ${id.slice(0, 20)}`, url: fill(id) });
  for (const param of op.query) {
    const values = param.name === 'cursor' ? BAD_CURSORS : ['abc', '-1', '1e309', '99999999999999999999', '0', HOSTILE_STRINGS[2]!, '%00'];
    for (const value of values)
      variants.push({ name: `query ${param.name}=${value.slice(0, 12)}`, url: `${url}?${param.name}=${encodeURIComponent(value)}` });
    variants.push({ name: `query ${param.name}[$gt]`, url: `${url}?${param.name}[$gt]=&${param.name}[$ne]=x` });
    variants.push({ name: `query ${param.name} twice`, url: `${url}?${param.name}=1&${param.name}=2` });
  }
  if (op.method === 'GET' || op.method === 'DELETE' || !op.body) return variants;
  const schema = resolveRef(op.body, components);
  const base = (op.body ? sample(op.body, components) : {}) as Record<string, unknown>;
  const required = schema?.required ?? [];
  for (const [what, body] of [
    ['null body', null],
    ['array body', []],
    ['string body', 'hello'],
    ['number body', 42],
    ['operator body', { $gt: '' }],
  ] as const) {
    variants.push({ name: what, url, body });
  }
  variants.push({ name: 'malformed JSON', url, rawBody: '{"a": ', headers: { 'content-type': 'application/json' } });
  variants.push({ name: 'text/plain', url, rawBody: 'hello', headers: { 'content-type': 'text/plain' } });
  variants.push({
    name: 'deep nesting',
    url,
    rawBody: '['.repeat(5000) + ']'.repeat(5000),
    headers: { 'content-type': 'application/json' },
  });
  if (required.length) {
    variants.push({ name: 'empty object', url, body: {} });
    variants.push({
      name: 'extra fields, required missing',
      url,
      body: { ...without(base, required[0]!), $where: '1', isAdmin: true, roles: ['admin'] },
    });
  }
  for (const key of Object.keys(schema?.properties ?? {})) {
    if (required.includes(key)) variants.push({ name: `missing ${key}`, url, body: without(base, key) });
    const prop = resolveRef(schema!.properties![key], components);
    const type = Array.isArray(prop?.type) ? prop!.type.find((t) => t !== 'null') : prop?.type;
    const isObject = type === 'object' || type === undefined;
    for (const [what, value] of OPERATORS)
      variants.push({ name: `${key}: ${what}`, url, body: { ...base, [key]: value }, mayBeValid: isObject });
    for (const [what, value] of HOSTILE_VALUES)
      variants.push({ name: `${key}: ${what}`, url, body: { ...base, [key]: value }, mayBeValid: true });
    if (type === 'string' || type === undefined) {
      for (const text of HOSTILE_STRINGS)
        variants.push({
          name: `${key}: string ${JSON.stringify(text.slice(0, 8))}`,
          url,
          body: { ...base, [key]: text },
          mayBeValid: true,
        });
    }
    if (type === 'integer' || type === 'number')
      variants.push({ name: `${key}: numeric string`, url, body: { ...base, [key]: '12' }, mayBeValid: true });
  }
  return variants;
}

const without = (object: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(object).filter(([k]) => k !== key));

/**
 * Send the variants of every operation, the surely invalid ones (`phase: 'invalid'`) or the hostile but
 * possibly valid ones; collect every 5xx, transport error (a reset, a hang), 4xx that is not problem+json,
 * and every invalid request that was accepted.
 */
export async function fuzz(
  api: HttpClient,
  operations: Operation[],
  components: Record<string, Schema>,
  token: string,
  knownId: string,
  phase: 'invalid' | 'hostile',
) {
  const findings: FuzzFinding[] = [];
  const accepted: FuzzFinding[] = [];
  const queue = operations.flatMap((op) =>
    variantsOf(op, components, knownId)
      .filter((variant) => (phase === 'hostile') === Boolean(variant.mayBeValid))
      .map((variant) => ({ op, variant })),
  );
  let sent = 0;
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { op, variant } = next;
      const options = {
        token,
        timeoutMs: 10_000,
        headers: variant.headers ?? {},
        ...(variant.rawBody !== undefined ? { rawBody: variant.rawBody } : {}),
      };
      let response: HttpResult | { status: string; text: string };
      try {
        response =
          variant.rawBody !== undefined || variant.body === undefined
            ? await api.request(op.method, variant.url, options)
            : await api.request(op.method, variant.url, {
                ...options,
                rawBody: JSON.stringify(variant.body),
                headers: { 'content-type': 'application/json', ...options.headers },
              });
      } catch (error) {
        response = { status: (error as Error).name, text: (error as Error).message };
      }
      sent++;
      const record = {
        method: op.method,
        url: variant.url.slice(0, 120),
        variant: variant.name,
        status: response.status,
        body: response.text.slice(0, 300),
      };
      if (typeof response.status !== 'number' || response.status >= 500) findings.push(record);
      else if (response.status < 300 && !['GET', 'DELETE'].includes(op.method) && !variant.mayBeValid)
        accepted.push(record); // a DELETE of nothing is a 204
      else if (response.status >= 400 && !/problem\+json/.test((response as HttpResult).headers.get('content-type') ?? ''))
        findings.push({ ...record, variant: `${variant.name} (not problem+json)` });
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return { sent, findings, accepted };
}
