import type { ReleaseSeatsResponse, ReserveSeatsRequest, ReserveSeatsResponse } from '@eventify/contracts';
import { badRequest, conflict, notFound, serviceUnavailable } from '@eventify/kit';
import type { EventRecord, EventsRepository } from '../data/events-repository.js';
import type { SeatsRepository } from '../data/seats-repository.js';

/**
 * Seats for bookings. All tiers of a booking or none: tiers are taken one by one (each atomically, see
 * SeatsRepository), and what was taken is given back when a later tier is short. Everything is keyed by
 * the booking id, so a retried request takes nothing more and a repeated release returns nothing twice.
 */
export class Seats {
  constructor(
    private readonly events: EventsRepository,
    private readonly seats: SeatsRepository,
    /** The reconciler's grace: seats held for no stored booking are given back once they are older. */
    private readonly reconcileGraceMs: number,
  ) {}

  async reserve(eventId: string, request: ReserveSeatsRequest, now = new Date()): Promise<ReserveSeatsResponse> {
    // Every hold of this take is younger than this call, so half the grace from now leaves the other half as margin.
    const keepUntil = new Date(now.getTime() + this.reconcileGraceMs / 2).toISOString();
    const event = await this.findEvent(eventId);
    const items = mergeItems(request.items);
    const priced = this.checkSaleable(event, items, now);
    const deadline = request.deadline ? Date.parse(request.deadline) : Infinity;
    const taken: { tierId: string; quantity: number }[] = [];
    const remaining: { tierId: string; available: number }[] = [];
    for (const item of items) {
      const { outcome, available } = await this.seats.take(eventId, item.tierId, request.bookingId, item.quantity, deadline);
      if (outcome === 'taken') {
        taken.push(item);
        remaining.push({ tierId: item.tierId, available });
        continue;
      }
      for (const done of taken) await this.seats.giveBack(eventId, done.tierId, request.bookingId);
      if (outcome === 'late')
        throw serviceUnavailable('Too many people are booking right now; no seats were taken. Try again in a moment.');
      const tier = event.tiers.find((t) => t.id === item.tierId)!;
      // `available` lets the booking service answer the next buyers of this tier without asking (its sold-out memo).
      const left = available === 0 ? 'it is sold out' : `only ${available} left`;
      throw conflict(`Not enough tickets left for "${tier.name}": ${left}.`, 'sold-out', { tierId: tier.id, available });
    }
    const amount = priced.reduce((sum, p) => sum + p.unitPrice * p.quantity, 0);
    return {
      eventId,
      bookingId: request.bookingId,
      items: priced,
      amount,
      currency: priced[0]!.currency,
      eventStartsAt: event.startsAt.toISOString(),
      left: remaining,
      keepUntil,
    };
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

  /** Give back every seat the booking holds, in whichever tiers; releasing twice returns nothing the second time. */
  async release(eventId: string, bookingId: string): Promise<ReleaseSeatsResponse> {
    let released = false;
    for (const hold of await this.seats.heldBy(eventId, bookingId)) {
      if (await this.seats.giveBack(eventId, hold.tierId, bookingId)) released = true;
    }
    return { released };
  }

  private checkSaleable(event: EventRecord, items: { tierId: string; quantity: number }[], now: Date) {
    if (event.status !== 'published') throw conflict('This event is not on sale.', 'not-on-sale');
    if (event.endsAt <= now) throw conflict('This event has ended.', 'not-on-sale');
    const currencies = new Set<string>();
    const priced = items.map((item, index) => {
      const tier = event.tiers.find((t) => t.id === item.tierId);
      if (!tier)
        throw badRequest('Unknown ticket tier.', [{ field: `body.items.${index}.tierId`, message: 'is not a tier of this event' }]);
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
    if (currencies.size > 1)
      throw badRequest('All tickets of one booking must be in the same currency.', [{ field: 'body.items', message: 'mixes currencies' }]);
    return priced;
  }
}

/** The same tier twice in one request counts as one line. */
function mergeItems(items: { tierId: string; quantity: number }[]) {
  const merged = new Map<string, number>();
  for (const item of items) merged.set(item.tierId, (merged.get(item.tierId) ?? 0) + item.quantity);
  return [...merged].map(([tierId, quantity]) => ({ tierId, quantity })).sort((a, b) => a.tierId.localeCompare(b.tierId));
}
