/**
 * The service catalogue: one entry per deployable behind the gateway.
 * The gateway routes by these prefixes, `npm start` and the tests start services from it,
 * and the compose file follows it. Add a service here first (see docs/adding-a-service.md).
 */
export type DatabaseKind = 'mongo' | 'postgres' | 'redis';

export interface ServiceDescriptor {
  /** Folder under services/ and the DNS name in compose/Kubernetes (with a -service suffix). */
  readonly name: ServiceName;
  /** Port the service listens on by default in the development stack. */
  readonly port: number;
  /** Public path prefixes the gateway forwards to this service, unchanged. */
  readonly prefixes: readonly string[];
  /** Databases this service owns. */
  readonly databases: readonly DatabaseKind[];
}

export const SERVICE_NAMES = [
  'auth',
  'user',
  'event',
  'booking',
  'payment',
  'approval',
  'qr',
  'notification',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const SERVICES: Readonly<Record<ServiceName, ServiceDescriptor>> = {
  auth: { name: 'auth', port: 3001, prefixes: ['/auth'], databases: ['mongo', 'redis'] },
  user: { name: 'user', port: 3002, prefixes: ['/users'], databases: ['mongo', 'redis'] },
  event: { name: 'event', port: 3003, prefixes: ['/events'], databases: ['mongo', 'redis'] },
  booking: { name: 'booking', port: 3004, prefixes: ['/bookings'], databases: ['mongo', 'redis'] },
  payment: { name: 'payment', port: 3005, prefixes: ['/payments'], databases: ['postgres', 'redis'] },
  approval: { name: 'approval', port: 3006, prefixes: ['/approvals'], databases: ['mongo', 'redis'] },
  qr: { name: 'qr', port: 3007, prefixes: ['/tickets', '/entry'], databases: ['mongo', 'redis'] },
  notification: { name: 'notification', port: 3008, prefixes: ['/notifications'], databases: ['mongo', 'redis'] },
};

/** Environment variable that carries a service's base URL to the gateway and to other services. */
export function serviceUrlEnvVar(name: ServiceName): string {
  return `${name.toUpperCase()}_SERVICE_URL`;
}

export const GATEWAY_PORT = 8080;
