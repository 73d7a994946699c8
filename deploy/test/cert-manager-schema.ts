import { z } from 'zod';

/**
 * cert-manager's Issuer and Certificate (cert-manager.io/v1), as far as the manifests use them, written from
 * cert-manager's API reference (kubernetes-models has no cert-manager CRDs). Strict: an unknown or misspelt
 * field fails, as the API server's structural schema would refuse it.
 */
const name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/)
  .max(253);
const metadata = z.object({ name, namespace: name, labels: z.record(z.string(), z.string()).optional() }).strict();
/** A Go duration as cert-manager parses it, e.g. 720h, 2160h0m0s. */
const duration = z
  .string()
  .regex(/^(\d+h)?(\d+m)?(\d+s)?$/)
  .refine((d) => d !== '', 'empty duration');
const KEY_USAGES = [
  'signing',
  'digital signature',
  'content commitment',
  'key encipherment',
  'key agreement',
  'data encipherment',
  'cert sign',
  'crl sign',
  'encipher only',
  'decipher only',
  'any',
  'server auth',
  'client auth',
  'code signing',
  'email protection',
  's/mime',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'timestamping',
  'ocsp signing',
  'microsoft sgc',
  'netscape sgc',
] as const;

export const IssuerSchema = z
  .object({
    apiVersion: z.literal('cert-manager.io/v1'),
    kind: z.enum(['Issuer', 'ClusterIssuer']),
    metadata,
    spec: z
      .object({
        selfSigned: z
          .object({ crlDistributionPoints: z.array(z.string()).optional() })
          .strict()
          .optional(),
        ca: z
          .object({ secretName: name, crlDistributionPoints: z.array(z.string()).optional() })
          .strict()
          .optional(),
      })
      .strict()
      .refine((spec) => Object.keys(spec).length === 1, 'exactly one issuer type (selfSigned, ca, …)'),
  })
  .strict();

export const CertificateSchema = z
  .object({
    apiVersion: z.literal('cert-manager.io/v1'),
    kind: z.literal('Certificate'),
    metadata,
    spec: z
      .object({
        secretName: name,
        issuerRef: z.object({ name, kind: z.enum(['Issuer', 'ClusterIssuer']), group: z.literal('cert-manager.io') }).strict(),
        commonName: z.string().max(64).optional(),
        dnsNames: z.array(z.string().min(1)).optional(),
        uris: z.array(z.string().url()).optional(),
        ipAddresses: z.array(z.union([z.ipv4(), z.ipv6()])).optional(),
        isCA: z.boolean().optional(),
        usages: z.array(z.enum(KEY_USAGES)).optional(),
        duration: duration.optional(),
        renewBefore: duration.optional(),
        privateKey: z
          .object({
            algorithm: z.enum(['RSA', 'ECDSA', 'Ed25519']).optional(),
            size: z.number().int().optional(),
            encoding: z.enum(['PKCS1', 'PKCS8']).optional(),
            rotationPolicy: z.enum(['Never', 'Always']).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .refine(
        (spec) => spec.commonName || spec.dnsNames?.length || spec.uris?.length || spec.ipAddresses?.length,
        'needs at least one of commonName, dnsNames, uris, ipAddresses',
      )
      .refine(
        (spec) => !spec.duration || !spec.renewBefore || hours(spec.renewBefore) < hours(spec.duration),
        'renewBefore must be shorter than duration',
      )
      .refine(
        (spec) => spec.privateKey?.algorithm !== 'ECDSA' || [256, 384, 521].includes(spec.privateKey.size ?? 256),
        'ECDSA size is 256, 384 or 521',
      ),
  })
  .strict();

function hours(goDuration: string): number {
  const [, h = '0', m = '0', s = '0'] = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(goDuration) ?? [];
  return Number(h) + Number(m) / 60 + Number(s) / 3600;
}
