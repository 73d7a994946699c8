import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { z } from 'zod';
import { ConfigError, baseConfigSchema, loadConfig, mongoConfig, productionSecretProblem, secret } from '../src/index.js';

const root = new URL('../../..', import.meta.url).pathname;
const schema = baseConfigSchema.extend({
  ...mongoConfig,
  API_SECRET: secret(z.string(), { minLength: 24 }),
  OPTIONAL_TOKEN: secret(z.string().optional()),
  GREETING: z.string().default('hello'),
});
const good = { PORT: '1', MONGO_URL: 'mongodb://db/app', API_SECRET: 'q7GfT2vXk9LmP4wRz8NbC3sY' };
const load = (env: Record<string, string>) => loadConfig('demo', schema, env);
const refusal = (env: Record<string, string>) => {
  try {
    load(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  return undefined;
};

it('production refuses a placeholder, a development default or a short secret, naming the setting and not the value', () => {
  const production = { ...good, NODE_ENV: 'production' };
  assert.equal(load(production).API_SECRET, good.API_SECRET);
  for (const bad of ['change-me-to-a-long-random-api-secret', 'whsec_eventify_development_only', 'tooShort-but-random']) {
    const message = refusal({ ...production, API_SECRET: bad });
    assert.match(message ?? '', /API_SECRET: /, bad);
    assert.ok(!message!.includes(bad), 'the value is not in the message');
  }
  // Outside production the same values start (development and tests use them).
  assert.equal(load({ ...good, API_SECRET: 'change-me' }).API_SECRET, 'change-me');
  // An unset optional secret is no problem; a set one is judged.
  assert.match(refusal({ ...production, OPTIONAL_TOKEN: 'changeme' }) ?? '', /OPTIONAL_TOKEN/);
});

it('a connection URL is judged by its password, and a failing URL never shows it', () => {
  const production = { ...good, NODE_ENV: 'production' };
  assert.ok(load({ ...production, MONGO_URL: 'mongodb://auth:Xk29dLq0vPzR8mWt4nYb@db/auth_db' }));
  assert.ok(load({ ...production, MONGO_URL: 'mongodb://db/auth_db' }), 'no password, nothing to judge');
  const message = refusal({ ...production, MONGO_URL: 'mongodb://auth:change-me-auth-mongo-password@db/auth_db' });
  assert.match(message ?? '', /MONGO_URL: the password in this URL is a development or placeholder value/);
  assert.ok(!message!.includes('change-me-auth'));
  const malformed = refusal({ ...good, MONGO_URL: 'mysql://user:hunter2-secret@db/x' });
  assert.match(malformed ?? '', /MONGO_URL/);
  assert.ok(!malformed!.includes('hunter2'), malformed);
});

/** KEY=VALUE lines of an env file (optionally only one `# --- …` section). */
function envValues(file: string, section?: RegExp): [string, string][] {
  let text = readFileSync(file, 'utf8');
  if (section) {
    const start = text.search(section);
    assert.ok(start >= 0, `${file}: no section ${section}`);
    const end = text.indexOf('\n# ---', start + 1);
    text = text.slice(start, end < 0 ? undefined : end);
  }
  return [...text.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]);
}

it("every secret .env.example and the services' dev.env files hand out is refused in production", () => {
  const secrets = envValues(join(root, '.env.example'), /^# --- Secrets/m).filter(([name]) => name !== 'EVENTIFY_ADMIN_EMAIL');
  assert.ok(secrets.length >= 8, `only ${secrets.length} secrets found in .env.example`);
  const devEnv = readdirSync(join(root, 'services')).flatMap((name) => {
    try {
      return envValues(join(root, 'services', name, 'dev.env')).filter(([key]) => /SECRET|PASSWORD$|_KEY$|TOKEN$/.test(key));
    } catch {
      return [];
    }
  });
  assert.ok(devEnv.length >= 4, `only ${devEnv.length} secrets in dev.env files`);
  for (const [name, value] of [...secrets, ...devEnv])
    assert.ok(productionSecretProblem(value), `${name}=${value} would pass in production`);
});
