#!/usr/bin/env node
// Serves the exported web app (dist/) and /config.js, which tells the app where the API and Stripe are,
// from this process's environment. Every unknown path answers index.html, so deep links such as /events/123
// open the app at that screen.
//   EVENTIFY_API_URL, EVENTIFY_STRIPE_API_URL, EVENTIFY_STRIPE_PUBLISHABLE_KEY, PORT (8081), HOST (127.0.0.1)
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sirv from 'sirv';

const dist = resolve(new URL('..', import.meta.url).pathname, 'dist');
if (!existsSync(join(dist, 'index.html'))) {
  console.error(`No web build in ${dist}: run "node apps/mobile/scripts/build-web.mjs" first.`);
  process.exit(1);
}

const settings = {
  apiUrl: process.env.EVENTIFY_API_URL ?? 'http://localhost:8080',
  stripeApiUrl: process.env.EVENTIFY_STRIPE_API_URL,
  stripePublishableKey: process.env.EVENTIFY_STRIPE_PUBLISHABLE_KEY,
};
const configScript = `window.__EVENTIFY_CONFIG__ = ${JSON.stringify(Object.fromEntries(Object.entries(settings).filter(([, v]) => v)))};\n`;

const files = sirv(dist, {
  single: true,
  etag: true,
  gzip: true,
  brotli: true,
  // Bundles carry a content hash in their names: they never change, so browsers keep them.
  setHeaders(response, path) {
    if (path.startsWith('/_expo/static/')) response.setHeader('cache-control', 'public, max-age=31536000, immutable');
    else response.setHeader('cache-control', 'no-cache');
  },
});

const server = createServer((request, response) => {
  response.setHeader('x-content-type-options', 'nosniff');
  response.setHeader('referrer-policy', 'no-referrer');
  if (request.url === '/config.js') {
    response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' });
    response.end(configScript);
    return;
  }
  files(request, response);
});

const port = Number(process.env.PORT ?? 8081);
const host = process.env.HOST ?? '127.0.0.1';
server.listen(port, host, () =>
  console.log(`[web] serving ${dist} on http://${host === '0.0.0.0' ? 'localhost' : host}:${port} (API ${settings.apiUrl})`),
);
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
