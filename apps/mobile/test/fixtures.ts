import type {
  Account,
  Booking,
  EntryStats,
  Notification,
  NotificationKind,
  NotificationPage,
  NotificationPreferences,
  OwnedEvent,
  Page,
  Payment,
  PaymentIntent,
  Profile,
  PublicEvent,
  Review,
  Role,
  ScanAnswer,
  Session,
  StaffList,
  Ticket,
} from '@eventify/contracts';

/** Answers shaped by the API contract (@eventify/contracts), so a change there breaks these fixtures at compile time. */
export const ACCOUNT: Account = {
  id: 'user-1',
  email: 'ana@example.com',
  name: 'Ana',
  roles: ['attendee'],
  createdAt: '2026-11-01T10:00:00.000Z',
};

export function session(overrides: Partial<Session> = {}): Session {
  return { user: ACCOUNT, accessToken: 'access-1', refreshToken: 'refresh-1', expiresIn: 900, ...overrides };
}

export function event(overrides: Partial<PublicEvent> = {}): PublicEvent {
  return {
    id: 'event-1',
    organizerId: 'org-1',
    title: 'Jazz at the Harbour',
    description: 'An evening of live jazz by the water.',
    category: 'music',
    coverImageUrl: null,
    venue: { name: 'Harbour Hall', address: 'Kai 1', city: 'Hamburg', country: 'DE' },
    startsAt: '2027-05-01T17:30:00.000Z',
    endsAt: '2027-05-01T20:30:00.000Z',
    timeZone: 'Europe/Berlin',
    status: 'published',
    phase: 'upcoming',
    tiers: [
      {
        id: 'tier-std',
        name: 'Standard',
        description: null,
        price: 2500,
        currency: 'EUR',
        capacity: 100,
        available: 40,
        sold: 60,
        salesStart: null,
        salesEnd: null,
        maxPerOrder: 10,
      },
      {
        id: 'tier-vip',
        name: 'VIP',
        description: 'Front rows',
        price: 7900,
        currency: 'EUR',
        capacity: 10,
        available: 0,
        sold: 10,
        salesStart: null,
        salesEnd: null,
        maxPerOrder: 4,
      },
    ],
    publishedAt: '2026-11-01T10:00:00.000Z',
    ...overrides,
  };
}

export function booking(overrides: Partial<Booking> = {}): Booking {
  return {
    id: 'booking-1',
    userId: ACCOUNT.id,
    eventId: 'event-1',
    status: 'pending_payment',
    items: [{ tierId: 'tier-std', tierName: 'Standard', quantity: 2, unitPrice: 2500, currency: 'EUR' }],
    amount: 5000,
    currency: 'EUR',
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
    eventStartsAt: '2027-05-01T17:30:00.000Z',
    createdAt: '2026-12-01T10:00:00.000Z',
    confirmedAt: null,
    cancelledAt: null,
    cancelReason: null,
    refund: null,
    lastPaymentError: null,
    cancellation: { refund: 'none', refundAmount: 0, currency: 'EUR', detail: 'Nothing has been charged yet: your seats go back on sale.' },
    ...overrides,
  };
}

export function ticket(seat: number, overrides: Partial<Ticket> = {}): Ticket {
  return {
    id: `ticket-${seat}`,
    bookingId: 'booking-1',
    eventId: 'event-1',
    tierId: 'tier-std',
    tierName: 'Standard',
    seat,
    status: 'valid',
    qr: `EVT1.ticket-${seat}.signature`,
    issuedAt: '2026-12-01T10:01:00.000Z',
    checkedInAt: null,
    ...overrides,
  };
}

export function notification(overrides: Partial<Notification> = {}): Notification {
  return {
    id: 'n-1',
    kind: 'booking_confirmed',
    title: 'Booking confirmed',
    body: 'You are going to Jazz at the Harbour.',
    data: { bookingId: 'booking-1', eventId: 'event-1' },
    createdAt: '2026-12-01T10:02:00.000Z',
    readAt: null,
    deliveries: [],
    ...overrides,
  };
}

export const page = <T>(items: T[], nextCursor: string | null = null): Page<T> => ({ items, nextCursor });

/** The inbox's answer: a page of notifications and how many are unread in all. */
export const inbox = (items: Notification[], unreadCount = items.filter((n) => !n.readAt).length): NotificationPage => ({
  items,
  nextCursor: null,
  unreadCount,
});

export function profile(overrides: Partial<Profile> = {}): Profile {
  return {
    id: ACCOUNT.id,
    email: ACCOUNT.email,
    name: ACCOUNT.name,
    roles: ACCOUNT.roles,
    phone: null,
    avatarUrl: null,
    city: 'Hamburg',
    preferences: {},
    createdAt: ACCOUNT.createdAt,
    updatedAt: '2026-11-01T10:00:00.000Z',
    ...overrides,
  };
}

/**
 * Every kind, as the notification service lists them: all on, except booking confirmations (e-mail only) and
 * password resets, whose e-mail is locked on (the reset link goes nowhere else).
 */
export function preferences(): NotificationPreferences {
  const all: NotificationPreferences['kinds'][NotificationKind] = { inApp: true, email: true, push: true, locked: [] };
  return {
    kinds: {
      welcome: all,
      password_reset: { inApp: true, email: true, push: false, locked: ['email'] },
      event_approved: all,
      event_rejected: all,
      event_cancelled: all,
      booking_confirmed: { inApp: true, email: true, push: false, locked: [] },
      booking_cancelled: all,
      booking_expired: all,
      payment_failed: all,
      payment_refunded: all,
      tickets_issued: all,
      event_changed: all,
      staff_added: all,
    },
  };
}

export function paymentIntent(overrides: Partial<PaymentIntent> = {}): PaymentIntent {
  return { paymentId: 'payment-1', paymentIntentId: 'pi_1', clientSecret: 'pi_1_secret_abc', amount: 5000, currency: 'EUR', ...overrides };
}

// ── organizers, admins and the door (app part 2) ─────────────────────────────────────────────────────────

/** The signed-in person with these roles (an organizer is also an attendee). */
export const account = (...roles: Role[]): Account => ({ ...ACCOUNT, roles: ['attendee', ...roles] });

/** An event as its organizer sees it: a draft unless told otherwise. */
export function ownedEvent(overrides: Partial<OwnedEvent> = {}): OwnedEvent {
  return {
    ...event({ status: 'draft', publishedAt: null, organizerId: ACCOUNT.id }),
    staffIds: [],
    submissionId: null,
    rejection: null,
    cancellationReason: null,
    createdAt: '2026-11-20T10:00:00.000Z',
    updatedAt: '2026-11-20T10:00:00.000Z',
    ...overrides,
  };
}

/** A submission waiting for a decision, with the event's content as the organizer submitted it. */
export function review(overrides: Partial<Review> = {}): Review {
  const e = event();
  return {
    id: 'review-1',
    eventId: e.id,
    organizerId: 'org-1',
    submissionId: 'submission-1',
    status: 'pending',
    submittedAt: '2026-11-25T09:00:00.000Z',
    decidedAt: null,
    reviewerId: null,
    reason: null,
    event: {
      title: e.title,
      description: e.description,
      category: e.category,
      venue: e.venue,
      startsAt: e.startsAt,
      endsAt: e.endsAt,
      timeZone: e.timeZone,
      tiers: e.tiers.map(({ name, price, currency, capacity }) => ({ name, price, currency, capacity })),
    },
    ...overrides,
  };
}

export const staffList = (...emails: string[]): StaffList => ({
  eventId: 'event-1',
  staff: emails.map((email) => ({ email, addedAt: '2026-11-26T10:00:00.000Z' })),
});

export function payment(overrides: Partial<Payment> = {}): Payment {
  return {
    id: 'payment-1',
    bookingId: 'booking-1',
    eventId: 'event-1',
    amount: 5000,
    currency: 'EUR',
    status: 'succeeded',
    paymentIntentId: 'pi_1',
    amountRefunded: 0,
    failureReason: null,
    createdAt: '2026-12-01T10:00:00.000Z',
    refunds: [],
    ...overrides,
  };
}

export function entryStats(overrides: Partial<EntryStats> = {}): EntryStats {
  return {
    eventId: 'event-1',
    sold: 70,
    checkedIn: 12,
    byTier: [
      { tierId: 'tier-std', tierName: 'Standard', sold: 60, checkedIn: 10 },
      { tierId: 'tier-vip', tierName: 'VIP', sold: 10, checkedIn: 2 },
    ],
    byGate: [
      { gate: 'Main entrance', checkedIn: 9 },
      { gate: 'Side door', checkedIn: 3 },
    ],
    conflicts: [],
    ...overrides,
  };
}

export function scanAnswer(overrides: Partial<ScanAnswer> = {}): ScanAnswer {
  return {
    result: 'admitted',
    ticket: ticket(1, { checkedInAt: '2027-05-01T17:05:00.000Z' }),
    checkedInAt: '2027-05-01T17:05:00.000Z',
    gate: 'Main entrance',
    ...overrides,
  };
}
