// The image's command (`node main.mjs`, WORKDIR /app): gives the deployable its port when the environment does
// not, then runs its dist/main.js in this same process, so node stays PID 1 and receives SIGTERM itself.
// image.json is written at build time by image/prepare.mjs.
import { readFileSync } from 'node:fs';

const image = JSON.parse(readFileSync(new URL('./image.json', import.meta.url), 'utf8'));
process.env[image.port.env] ??= String(image.port.default);
await import(new URL(image.main, import.meta.url).href);
