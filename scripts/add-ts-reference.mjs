#!/usr/bin/env node
// Adds a project reference to the root tsconfig.json (idempotent): node scripts/add-ts-reference.mjs services/auth
import { readFileSync, writeFileSync } from 'node:fs';
const file = new URL('../tsconfig.json', import.meta.url);
const config = JSON.parse(readFileSync(file, 'utf8'));
for (const path of process.argv.slice(2)) {
  if (!config.references.some((r) => r.path === path)) config.references.push({ path });
}
writeFileSync(file, JSON.stringify(config, null, 2) + '\n');
