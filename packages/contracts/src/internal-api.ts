/**
 * Service-to-service HTTP contracts (routes under /internal, never exposed by the gateway, open only to the
 * services INTERNAL_ROUTES in services.ts names, known by their certificates). Callers use the kit's
 * createServiceClient, over mutual TLS.
 */

/** auth: PUT /internal/users/:userId/roles — the user service's admin endpoint applies role changes here. */
export interface SetRolesRequest {
  roles: string[];
}

/** event: POST /internal/events/:eventId/reservations — take seats for one booking, all tiers or none.
 *  Idempotent per bookingId: repeating it returns the same result and takes nothing more.
 *  409 problem+json when a tier has too few seats left, is outside its sales window, or the event is not on sale. */
export interface ReserveSeatsRequest {
  bookingId: string;
  items: { tierId: string; quantity: number }[];
  /** ISO time after which no seat may be taken any more (the caller has given up by then): 503, nothing taken. */
  deadline?: string;
}
export interface ReserveSeatsResponse {
  eventId: string;
  bookingId: string;
  items: { tierId: string; tierName: string; quantity: number; unitPrice: number; currency: string }[];
  amount: number;
  currency: string;
  eventStartsAt: string;
  /** Seats each tier had left once this take was decided: the booking service's sold-out memo learns from it. */
  left?: { tierId: string; available: number }[];
  /**
   * Until when these seats are safe from the reconciler, which gives back seats held for no stored booking once
   * they are older than its grace: the booking must be stored before this (an event service of an earlier version
   * leaves it out).
   */
  keepUntil?: string;
}

/** event: POST /internal/events/:eventId/reservations/:bookingId/release — give the seats back. Idempotent:
 *  releasing twice (two sweepers, a retry) returns the seats once. 200 { released: boolean }. */
export interface ReleaseSeatsResponse {
  released: boolean;
}

/** booking: POST /internal/bookings/holds — which of these reservation keys belong to a booking that may hold
 *  seats (reserving, awaiting payment or confirmed, under that key). The event service's reconciler releases
 *  the seats of every other key (bookings that failed, expired, were cancelled or never existed). */
export interface HeldSeatsRequest {
  keys: string[];
}
export interface HeldSeatsResponse {
  held: string[];
}

/** event: GET /internal/events/:eventId — the event with organizer and door staff, any status. */
export interface InternalEventView {
  id: string;
  organizerId: string;
  staffIds: string[];
  status: string;
  title: string;
  startsAt: string;
  endsAt: string;
  tiers: { id: string; name: string; price: number; currency: string; capacity: number }[];
}

/** booking: GET /internal/bookings/:bookingId — for the payment service (amount comes from here, never the client). */
export interface InternalBookingView {
  id: string;
  userId: string;
  eventId: string;
  status: 'pending_payment' | 'confirmed' | 'cancelled' | 'expired';
  amount: number;
  currency: string;
  expiresAt: string | null;
}

/** auth: POST /internal/accounts/lookup {email} — the account with this address, if any (the e-mail travels
 *  in the body, never a URL). For the event service naming door staff by e-mail; never exposed. */
export interface AccountLookupRequest {
  email: string;
}
export interface AccountLookupResponse {
  userId: string | null;
}

/** booking: GET /internal/bookings/holders?eventId=&after=&limit= — people holding a confirmed booking of the
 *  event (ticket holders), ordered by user id, a page at a time; `next` is the `after` of the next page. For
 *  the notification service telling every ticket holder that their event changed. */
export interface TicketHoldersResponse {
  userIds: string[];
  next: string | null;
}
