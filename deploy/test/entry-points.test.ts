import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { SERVICE_NAMES } from '@eventify/contracts';

const root = new URL('../..', import.meta.url).pathname;

// Instrumentations patch http, mongodb, pg and ioredis as they load: a static import of anything but the tracing
// module in an entry point would load them before startTracing ran, and that deployable's spans would silently
// lack its database and HTTP calls (docs/observability.md).
it("every deployable's entry point starts tracing before it imports anything else", () => {
  for (const [name, file] of [['gateway', 'gateway/src/main.ts'], ...SERVICE_NAMES.map((n) => [n, `services/${n}/src/main.ts`])] as const) {
    const source = readFileSync(join(root, file), 'utf8');
    const staticImports = source.split('\n').filter((line) => /^import\s/.test(line));
    assert.deepEqual(staticImports, ["import { startTracing } from '@eventify/kit/tracing';"], `${file}: static imports`);
    const code = source.split('\n').filter((line) => line.trim() && !line.startsWith('//') && !/^import\s/.test(line));
    assert.equal(code[0], `await startTracing('${name}');`, `${file}: the first statement`);
  }
});
