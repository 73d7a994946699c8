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

export const SERVICE_NAMES = ['auth', 'user', 'event', 'booking', 'payment', 'approval', 'qr', 'notification'] as const;
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

/** Deployables that hold an internal certificate: every service, and the gateway (which calls them all). */
export type Deployable = ServiceName | 'gateway';

/**
 * The identity a deployable's internal certificate carries (a URI SAN, SPIFFE style). The caller of an
 * internal route is known by this, never by a header or a shared secret.
 */
export const SERVICE_IDENTITY_PREFIX = 'spiffe://eventify/';
export function serviceIdentity(name: Deployable): string {
  return `${SERVICE_IDENTITY_PREFIX}${name}`;
}

/**
 * Every `/internal` route and the services allowed to call it, keyed `"<METHOD> <route pattern>"` per service
 * that serves it. The kit's `guards.internalOnly` answers 401 to a caller without a service identity and 403 to
 * any service not listed here; a service refuses to start with an `/internal` route that is missing here.
 * (Auth's key rotation is asked for by the auth service itself: an operator runs it inside an auth container.)
 */
export const INTERNAL_ROUTES = {
  auth: {
    'GET /internal/users/:userId': ['user', 'event'],
    /** Door staff are named by e-mail: whether an account has it, told to the event service only. */
    'POST /internal/accounts/lookup': ['event'],
    'PUT /internal/users/:userId/roles': ['user'],
    'POST /internal/keys/rotate': ['auth'],
  },
  user: {
    'GET /internal/users/:id/contact': ['notification'],
  },
  event: {
    'GET /internal/events/:eventId': ['payment', 'qr', 'notification', 'booking'],
    'POST /internal/events/:eventId/reservations': ['booking'],
    'POST /internal/events/:eventId/reservations/:bookingId/release': ['booking'],
  },
  booking: {
    'POST /internal/bookings/holds': ['event'],
    'GET /internal/bookings/:id': ['payment'],
    /** Who holds tickets for an event, to tell them when its date or place changes. */
    'GET /internal/bookings/holders': ['notification'],
  },
  payment: {},
  approval: {},
  qr: {},
  notification: {},
} as const satisfies Record<ServiceName, Record<string, readonly ServiceName[]>>;

/** The services allowed to call one internal route of `service` (empty when the route is not listed). */
export function allowedCallers(service: ServiceName, method: string, route: string): readonly ServiceName[] {
  const routes: Record<string, readonly ServiceName[]> = INTERNAL_ROUTES[service];
  return routes[`${method === 'HEAD' ? 'GET' : method} ${route}`] ?? [];
}

/**
 * Who calls whom over the network: for each service, the services it sends requests to. Every service calls
 * auth for the public keys that verify access tokens (its JWKS); the rest are the `/internal` routes above
 * (a service calling itself is left out). The gateway, not listed, calls every service. Kubernetes
 * NetworkPolicies follow this graph; a test checks it against INTERNAL_ROUTES.
 */
export const CALLS: Readonly<Record<ServiceName, readonly ServiceName[]>> = {
  auth: [],
  user: ['auth'],
  event: ['auth', 'booking'],
  booking: ['auth', 'event'],
  payment: ['auth', 'event', 'booking'],
  approval: ['auth'],
  qr: ['auth', 'event'],
  notification: ['auth', 'user', 'event', 'booking'],
};
