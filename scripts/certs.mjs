#!/usr/bin/env node
// `npm run certs [-- DIR]`: the internal CA and one certificate per deployable for the compose stack, in DIR
// (default ./certs, which git and the image builds ignore): DIR/<deployable>/{tls.crt,tls.key,ca.crt}, each
// mounted read-only into its own container. Run it again at any time: it renews what is within 10 days of
// expiry (the containers pick the renewal up without a restart) and leaves the rest alone.
// Run as root, the files are given to uid 1000, the images' `node` user (set EVENTIFY_CERTS_OWNER otherwise).
import { resolve } from 'node:path';
import { DEPLOYABLES, ensurePki } from '@eventify/testing';

const dir = resolve(process.argv[2] ?? 'certs');
const owner = Number(process.env.EVENTIFY_CERTS_OWNER ?? 1000);
const pki = await ensurePki({ dir, owner });
console.log(
  `internal PKI in ${dir}: ${pki.renewed.length ? `made or renewed ${pki.renewed.join(', ')}` : 'every certificate is valid for more than 10 days'}`,
);
console.log(`one directory per deployable (${DEPLOYABLES.join(', ')}), each with tls.crt, tls.key (0600) and ca.crt`);
