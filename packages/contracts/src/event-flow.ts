import type { EventType } from './integration-events.js';
import type { ServiceName } from './services.js';

/**
 * Who publishes each integration event: exactly one service per type (a fact has one owner). The kit's event
 * bus refuses to publish a type its service does not own, and each service's Redis user may write only the
 * streams of its own types (see redis-acl.ts), so a compromised service cannot forge another's facts.
 */
export const PUBLISHER: Readonly<Record<EventType, ServiceName>> = {
  UserRegistered: 'auth',
  PasswordResetRequested: 'auth',
  PasswordChanged: 'auth',
  UserRolesChanged: 'user',
  EventSubmitted: 'event',
  EventPublished: 'event',
  EventUpdated: 'event',
  EventCancelled: 'event',
  EventStaffChanged: 'event',
  EventStaffAdded: 'event',
  EventApproved: 'approval',
  EventRejected: 'approval',
  BookingCreated: 'booking',
  BookingConfirmed: 'booking',
  BookingCancelled: 'booking',
  BookingExpired: 'booking',
  PaymentSucceeded: 'payment',
  PaymentFailed: 'payment',
  PaymentRefunded: 'payment',
  TicketsIssued: 'qr',
  TicketsVoided: 'qr',
  TicketCheckedIn: 'qr',
};

/**
 * The events each service consumes (its consumer group's subscriptions). The bus refuses to subscribe to any
 * other type, and the service's Redis user may only read and acknowledge these streams, never add to them.
 * A test (packages/contracts/test/event-flow.test.ts) checks this table and PUBLISHER against the services' code.
 */
export const CONSUMES: Readonly<Record<ServiceName, readonly EventType[]>> = {
  auth: [],
  user: ['UserRegistered'],
  event: ['EventApproved', 'EventRejected', 'UserRegistered'],
  booking: ['PaymentSucceeded', 'PaymentRefunded', 'PaymentFailed', 'EventCancelled', 'EventUpdated'],
  payment: ['BookingCancelled', 'BookingExpired'],
  approval: ['EventSubmitted'],
  qr: ['BookingConfirmed', 'BookingCancelled', 'EventStaffChanged'],
  notification: [
    'UserRegistered',
    'PasswordResetRequested',
    'EventApproved',
    'EventRejected',
    'EventCancelled',
    'EventUpdated',
    'EventStaffAdded',
    'BookingConfirmed',
    'BookingCancelled',
    'BookingExpired',
    'PaymentFailed',
    'PaymentRefunded',
    'TicketsIssued',
  ],
};

/** The event types one service publishes. */
export function publishedBy(service: ServiceName): EventType[] {
  return (Object.keys(PUBLISHER) as EventType[]).filter((type) => PUBLISHER[type] === service);
}
