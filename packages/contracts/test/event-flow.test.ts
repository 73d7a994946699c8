import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { CONSUMES, PUBLISHER, SERVICE_NAMES, publishedBy, type ServiceName } from '../src/index.js';

// The tables in event-flow.ts decide what each service's Redis user may write and read; here they are checked
// against what the services' code actually publishes (outbox entries) and subscribes to (event handlers).
const root = new URL('../../..', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith('.ts') ? [full] : [];
  });
}

const matches = (files: string[], pattern: RegExp) =>
  [...new Set(files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(pattern)].map((m) => m[1]!)))].sort();

const codeOf = (service: ServiceName) => {
  const files = sources(join(root, 'services', service, 'src'));
  return {
    publishes: matches(files, /(?:outboxEvent\(|outbox\.add\(\w+, )'([A-Za-z]+)'/g),
    consumes: matches(
      files.filter((f) => f.includes('/events/')),
      /(?:\.subscribe(?:<[^>]*>)?|\bon)\('([A-Za-z]+)'/g,
    ),
  };
};

it('each service publishes exactly the event types PUBLISHER gives it, and consumes exactly its CONSUMES row', () => {
  for (const service of SERVICE_NAMES) {
    const code = codeOf(service);
    assert.deepEqual(
      code.publishes,
      [...publishedBy(service)].sort(),
      `${service}: published types (outbox entries in its code vs PUBLISHER)`,
    );
    assert.deepEqual(code.consumes, [...CONSUMES[service]].sort(), `${service}: subscriptions in src/events vs CONSUMES`);
  }
});

it('every consumed type has a publisher other than its consumer', () => {
  for (const service of SERVICE_NAMES)
    for (const type of CONSUMES[service]) assert.notEqual(PUBLISHER[type], service, `${service} consumes its own ${type}`);
});
