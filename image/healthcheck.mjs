// The image's HEALTHCHECK (`node healthcheck.mjs [path]`, default /healthz): exit 0 when the deployable answers 2xx.
// A service speaks mutual TLS only: kit's self-request asks it with its own certificate (MTLS_DIR); the gateway
// and the stand-ins answer plain HTTP. No curl or wget needed, so any Node base image does.
import { readFileSync } from 'node:fs';

const image = JSON.parse(readFileSync(new URL('./image.json', import.meta.url), 'utf8'));
process.env[image.port.env] ??= String(image.port.default);
if (image.mtls) {
  // Reads its path from argv, its port from PORT.
  await import(new URL('./packages/kit/dist/tls/self-request.js', import.meta.url).href);
} else {
  const path = process.argv[2] ?? '/healthz';
  const ok = await fetch(`http://127.0.0.1:${process.env[image.port.env]}${path}`, { signal: AbortSignal.timeout(4_000) }).then(
    (response) => response.ok,
    () => false,
  );
  process.exit(ok ? 0 : 1);
}
