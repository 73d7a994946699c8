#!/usr/bin/env node
/**
 * A request from a service's container to the service itself, over mutual TLS with its own certificate:
 *
 *   node packages/kit/dist/tls/self-request.js /healthz                     (the image's HEALTHCHECK, Kubernetes probes)
 *   node packages/kit/dist/tls/self-request.js POST /internal/keys/rotate   (an operator, inside an auth container)
 *
 * Probes cannot present a client certificate, and every service requires one; this runs inside the container,
 * where the certificate is mounted (MTLS_DIR). The answer's body goes to stdout; exit 0 on 2xx, 1 otherwise.
 * Plain node:https and no more imports than needed, so it starts fast (it runs every few seconds).
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { MTLS_FILES, identityOfCertificate } from './identity.js';

const [method, path] =
  process.argv.length > 3 ? [process.argv[2]!.toUpperCase(), process.argv[3]!] : ['GET', process.argv[2] ?? '/healthz'];
const dir = process.env.MTLS_DIR;
if (!dir) {
  process.stderr.write('MTLS_DIR is not set: this runs inside a service container\n');
  process.exit(1);
}
const [cert, key, ca] = [MTLS_FILES.cert, MTLS_FILES.key, MTLS_FILES.ca].map((file) => readFileSync(join(dir, file)));
const self = identityOfCertificate(new X509Certificate(cert!));
const outgoing = request(
  {
    host: '127.0.0.1',
    port: Number(process.env.PORT),
    method,
    path,
    cert,
    key,
    ca,
    // Talking to itself: the server must hold this very identity, whatever address it is reached by.
    checkServerIdentity: (_host, certificate) =>
      self && identityOfCertificate(certificate) === self ? undefined : new Error(`not the ${self ?? '(unnamed)'} service`),
    timeout: 4_000,
  },
  (response) => {
    response.pipe(process.stdout);
    response.on('end', () => process.exit(response.statusCode! >= 200 && response.statusCode! < 300 ? 0 : 1));
  },
);
outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 4 s')));
outgoing.on('error', (error) => {
  process.stderr.write(`${method} ${path}: ${error.message}\n`);
  process.exit(1);
});
outgoing.end();
