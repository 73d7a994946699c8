import type { ReleaseSeatsResponse, ReserveSeatsRequest, ReserveSeatsResponse } from '@eventify/contracts';
import { badRequest, conflict, notFound } from '@eventify/kit';
import type { EventRecord, EventsRepository } from '../data/events-repository.js';
import type { SeatsRepository } from '../data/seats-repository.js';

/**
 * Seats for bookings. All tiers of a booking or none: tiers are taken one by one with atomic
 * conditional updates, and what was taken is given back when a later tier is short. Everything is
 * keyed by the booking id, so a retried request takes nothing more and a repeated release returns nothing twice.
 */
export class Seats {
  constructor(
    private readonly events: EventsRepository,
    private readonly seats: SeatsRepository,
  ) {}

  async reserve(eventId: string, request: ReserveSeatsRequest, now = new Date()): Promise<ReserveSeatsResponse> {
    const event = await this.findEvent(eventId);
    const items = mergeItems(request.items);
    const priced = this.checkSaleable(event, items, now);
    await this.refuseIfSoldOut(event, items, request.bookingId);

    const stored = await this.seats.recordReservation({
      _id: request.bookingId,
      eventId,
      items,
      status: 'taking',
      createdAt: now,
      updatedAt: now,
    });
    if (stored.eventId !== eventId || JSON.stringify(stored.items) !== JSON.stringify(items)) {
      throw conflict('This booking already reserved different seats.', 'reservation-mismatch');
    }
    if (stored.status === 'released' || stored.status === 'failed') {
      throw conflict('This booking no longer holds seats; make a new booking.', 'reservation-closed');
    }

    const taken: { tierId: string; quantity: number }[] = [];
    for (const item of items) {
      if (await this.seats.take(eventId, item.tierId, request.bookingId, item.quantity)) {
        taken.push(item);
        continue;
      }
      for (const done of taken) await this.seats.giveBack(eventId, done.tierId, request.bookingId, done.quantity);
      await this.seats.setReservationStatus(request.bookingId, 'failed');
      const tier = event.tiers.find((t) => t.id === item.tierId)!;
      throw conflict(`Not enough tickets left for "${tier.name}".`, 'sold-out', { tierId: tier.id });
    }
    await this.seats.setReservationStatus(request.bookingId, 'held');
    const amount = priced.reduce((sum, p) => sum + p.unitPrice * p.quantity, 0);
    return { eventId, bookingId: request.bookingId, items: priced, amount, currency: priced[0]!.currency, eventStartsAt: event.startsAt.toISOString() };
  }

  /**
   * In a rush most requests find a tier sold out: answer them from one read, before writing anything.
   * (A booking that already holds its seats is a retry and goes on.)
   */
  private async refuseIfSoldOut(event: EventRecord, items: { tierId: string; quantity: number }[], bookingId: string): Promise<void> {
    const ledgers = new Map((await this.seats.ledgersOf(event._id)).map((l) => [l.tierId, l]));
    for (const item of items) {
      const ledger = ledgers.get(item.tierId);
      if (ledger && ledger.available < item.quantity && !(ledger.holders ?? []).includes(bookingId)) {
        const tier = event.tiers.find((t) => t.id === item.tierId)!;
        throw conflict(`Not enough tickets left for "${tier.name}".`, 'sold-out', { tierId: tier.id });
      }
    }
  }

  /** Published events change rarely; a one-second cache spares the database during a flash sale. */
  private readonly recent = new Map<string, { at: number; event: EventRecord }>();
  private async findEvent(eventId: string): Promise<EventRecord> {
    const cached = this.recent.get(eventId);
    if (cached && Date.now() - cached.at < 1_000) return cached.event;
    const event = await this.events.find(eventId);
    if (!event) throw notFound('event');
    if (this.recent.size > 1_000) this.recent.clear();
    this.recent.set(eventId, { at: Date.now(), event });
    return event;
  }

  async release(eventId: string, bookingId: string): Promise<ReleaseSeatsResponse> {
    const reservation = await this.seats.findReservation(bookingId);
    if (!reservation || reservation.eventId !== eventId) return { released: false };
    let released = false;
    for (const item of reservation.items) {
      if (await this.seats.giveBack(eventId, item.tierId, bookingId, item.quantity)) released = true;
    }
    await this.seats.setReservationStatus(bookingId, 'released');
    return { released };
  }

  private checkSaleable(event: EventRecord, items: { tierId: string; quantity: number }[], now: Date) {
    if (event.status !== 'published') throw conflict('This event is not on sale.', 'not-on-sale');
    if (event.endsAt <= now) throw conflict('This event has ended.', 'not-on-sale');
    const currencies = new Set<string>();
    const priced = items.map((item, index) => {
      const tier = event.tiers.find((t) => t.id === item.tierId);
      if (!tier) throw badRequest('Unknown ticket tier.', [{ field: `body.items.${index}.tierId`, message: 'is not a tier of this event' }]);
      if (tier.salesStart && now < tier.salesStart) throw conflict(`Sales for "${tier.name}" have not started yet.`, 'sales-not-open');
      if (tier.salesEnd && now > tier.salesEnd) throw conflict(`Sales for "${tier.name}" have ended.`, 'sales-closed');
      if (item.quantity > tier.maxPerOrder) {
        throw badRequest(`At most ${tier.maxPerOrder} tickets of "${tier.name}" per order.`, [
          { field: `body.items.${index}.quantity`, message: `must be at most ${tier.maxPerOrder}` },
        ]);
      }
      currencies.add(tier.currency);
      return { tierId: tier.id, tierName: tier.name, quantity: item.quantity, unitPrice: tier.price, currency: tier.currency };
    });
    if (currencies.size > 1) throw badRequest('All tickets of one booking must be in the same currency.', [{ field: 'body.items', message: 'mixes currencies' }]);
    return priced;
  }
}

/** The same tier twice in one request counts as one line. */
function mergeItems(items: { tierId: string; quantity: number }[]) {
  const merged = new Map<string, number>();
  for (const item of items) merged.set(item.tierId, (merged.get(item.tierId) ?? 0) + item.quantity);
  return [...merged].map(([tierId, quantity]) => ({ tierId, quantity })).sort((a, b) => a.tierId.localeCompare(b.tierId));
}
