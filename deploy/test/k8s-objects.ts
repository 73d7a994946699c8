import { CertificateSchema, IssuerSchema } from './cert-manager-schema.js';

/** Throws when a Kubernetes object (or a cert-manager one) is not valid: kubernetes-models' schema, or ours for cert-manager. */
export async function validateObject(object: { apiVersion: string; kind: string }): Promise<void> {
  if (object.apiVersion.startsWith('cert-manager.io/')) {
    (object.kind === 'Certificate' ? CertificateSchema : IssuerSchema).parse(object);
    return;
  }
  const module = await import(`kubernetes-models/${object.apiVersion}/${object.kind}`);
  const Model = module[object.kind] as new (o: unknown) => { validate(): void };
  new Model(object).validate();
}
