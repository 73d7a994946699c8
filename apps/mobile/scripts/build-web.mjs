#!/usr/bin/env node
// Builds the web app into dist/: `expo export` for the bundle, then a Workbox service worker that precaches
// every file of the build, so the app opens without a network (tickets then come from the device's copy).
// The build only runs again when a source file is newer than the last build (`--force` builds anyway).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { generateSW } from 'workbox-build';

const app = resolve(new URL('..', import.meta.url).pathname);
const dist = join(app, 'dist');
const inputs = ['src', 'public', 'assets', 'app.config.ts', 'package-lock.json', '../../packages/contracts/src'];

function newest(path) {
  const full = join(app, path);
  if (!existsSync(full)) return 0;
  const stat = statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(full).map((name) => newest(join(path, name))));
}

// The QR decoder's WebAssembly is served from the app's own files (public/ is copied into the build), never a CDN.
const decoder = join(app, 'node_modules/zxing-wasm/dist/reader/zxing_reader.wasm');
const servedDecoder = join(app, 'public/zxing/zxing_reader.wasm');
if (!existsSync(servedDecoder) || statSync(servedDecoder).size !== statSync(decoder).size) {
  mkdirSync(join(app, 'public/zxing'), { recursive: true });
  copyFileSync(decoder, servedDecoder);
}

const marker = join(dist, 'sw.js');
if (!process.argv.includes('--force') && existsSync(marker) && statSync(marker).mtimeMs > Math.max(...inputs.map(newest))) {
  console.log('[web] the build in dist/ is up to date');
  process.exit(0);
}

const started = Date.now();
const exported = spawnSync(
  process.execPath,
  [join(app, 'node_modules/expo/bin/cli'), 'export', '--platform', 'web', '--output-dir', 'dist'],
  {
    cwd: app,
    stdio: 'inherit',
    env: { ...process.env, CI: '1', EXPO_NO_TELEMETRY: '1' },
  },
);
if (exported.status !== 0) process.exit(exported.status ?? 1);

const { count, size, warnings } = await generateSW({
  globDirectory: dist,
  globPatterns: ['**/*.{html,js,css,png,jpg,svg,ico,ttf,woff,woff2,json,wasm}'],
  globIgnores: ['config.js', '**/*.gz', '**/*.br'],
  swDest: marker,
  navigateFallback: '/index.html',
  // The API is never cached here: the app keeps what must work offline (tickets) itself.
  navigateFallbackDenylist: [/^\/config\.js$/],
  maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
  clientsClaim: true,
  skipWaiting: true,
  cleanupOutdatedCaches: true,
  sourcemap: false,
  // Where the API is: fresh when online, the last copy when not.
  runtimeCaching: [
    {
      urlPattern: ({ url }) => url.pathname === '/config.js',
      handler: 'NetworkFirst',
      options: { cacheName: 'eventify-config', networkTimeoutSeconds: 3 },
    },
  ],
});
for (const warning of warnings) console.warn('[web]', warning);

// Compressed once here, so the server sends them as they are (sirv picks .br or .gz by Accept-Encoding).
let gzipped = 0;
const compress = (dir) => {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) compress(file);
    else if (/\.(js|html|css|json|svg|map|ttf)$/.test(name)) {
      const content = readFileSync(file);
      const gz = gzipSync(content, { level: 9 });
      writeFileSync(`${file}.gz`, gz);
      writeFileSync(`${file}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      if (name.endsWith('.js')) gzipped += gz.length;
    }
  }
};
compress(dist);
console.log(`[web] JavaScript: ${(gzipped / 1024).toFixed(0)} KiB gzip`);
console.log(
  `[web] built in ${((Date.now() - started) / 1000).toFixed(1)} s; the service worker precaches ${count} files (${(size / 1024).toFixed(0)} KiB)`,
);
