import { randomUUID } from 'node:crypto';
import type { EventCategory, EventPayloads } from '@eventify/contracts';
import { badRequest, conflict, hasRole, notFound, outboxEvent, type FieldError, type Mutex, type Principal } from '@eventify/kit';
import type { EventRecord, EventsRepository, EventStatus, Tier } from '../data/events-repository.js';
import type { SeatsRepository } from '../data/seats-repository.js';
import { keywordsOf, normaliseQuery, validateMerged, type EventInput, type EventPatch } from './event-schema.js';
import { changedFields, eventUpdated, refuseHarmfulTierChanges } from './published-edits.js';
import { ownerView, publicView, snapshotOf } from './views.js';

const EDITABLE: EventStatus[] = ['draft', 'rejected', 'published'];

function toRecordFields(input: EventInput, existing: Tier[] = []): Partial<EventRecord> {
  const existingIds = new Set(existing.map((t) => t.id));
  return {
    title: input.title,
    description: input.description,
    category: input.category,
    coverImageUrl: input.coverImageUrl ?? null,
    venue: input.venue,
    cityKey: input.venue.city.trim().toLowerCase(),
    keywords: keywordsOf(input.title, input.description, input.venue.name),
    startsAt: new Date(input.startsAt),
    endsAt: new Date(input.endsAt),
    timeZone: input.timeZone,
    tiers: input.tiers.map((t) => ({
      id: t.id && existingIds.has(t.id) ? t.id : randomUUID(),
      name: t.name,
      description: t.description,
      price: t.price,
      currency: t.currency,
      capacity: t.capacity,
      salesStart: t.salesStart ? new Date(t.salesStart) : null,
      salesEnd: t.salesEnd ? new Date(t.salesEnd) : null,
      maxPerOrder: t.maxPerOrder,
    })),
  };
}

function inputOf(event: EventRecord): Record<string, unknown> {
  return {
    title: event.title,
    description: event.description,
    category: event.category,
    ...(event.coverImageUrl ? { coverImageUrl: event.coverImageUrl } : {}),
    venue: event.venue,
    startsAt: event.startsAt.toISOString(),
    endsAt: event.endsAt.toISOString(),
    timeZone: event.timeZone,
    tiers: event.tiers.map((t) => ({
      id: t.id,
      name: t.name,
      ...(t.description ? { description: t.description } : {}),
      price: t.price,
      currency: t.currency,
      capacity: t.capacity,
      ...(t.salesStart ? { salesStart: t.salesStart.toISOString() } : {}),
      ...(t.salesEnd ? { salesEnd: t.salesEnd.toISOString() } : {}),
      maxPerOrder: t.maxPerOrder,
    })),
  };
}

/** The organizer's side of events: draft, edit, submit for review, cancel; and browsing. Door staff: door-staff.ts. */
export class Events {
  constructor(
    private readonly events: EventsRepository,
    private readonly seats: SeatsRepository,
    private readonly mutex: Mutex,
  ) {}

  /**
   * State changes of one event happen one at a time (see the kit's Mutex for why), each stored with the
   * integration events it implies in one write (the outbox), so none is lost to a crash.
   */
  private locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.mutex.run(`event:${id}`, fn);
  }

  async create(organizerId: string, input: EventInput) {
    const now = new Date();
    const record: EventRecord = {
      _id: randomUUID(),
      organizerId,
      ...(toRecordFields(input) as Omit<EventRecord, '_id' | 'organizerId'>),
      status: 'draft',
      staffIds: [],
      submissionId: null,
      rejection: null,
      createdAt: now,
      updatedAt: now,
      publishedAt: null,
      cancelledAt: null,
      cancellationReason: null,
    };
    await this.events.insert(record);
    return ownerView(record, []);
  }

  /** The event if the caller owns it (or is an admin); otherwise it does not exist for them. */
  private async owned(id: string, caller: Principal): Promise<EventRecord> {
    const event = await this.events.find(id);
    if (!event || (event.organizerId !== caller.userId && !hasRole(caller, 'admin'))) throw notFound('event');
    return event;
  }

  async read(id: string, caller: Principal | undefined) {
    const event = await this.events.find(id);
    if (!event) throw notFound('event');
    const isOwner = caller && (event.organizerId === caller.userId || hasRole(caller, 'admin'));
    const ledgers = await this.seats.ledgersOf(id);
    if (isOwner) return ownerView(event, ledgers);
    if (event.status === 'published' || event.status === 'cancelled') return publicView(event, ledgers);
    throw notFound('event');
  }

  async update(id: string, caller: Principal, patch: EventPatch) {
    const event = await this.owned(id, caller);
    if (event.status === 'pending_review')
      throw conflict('The event is being reviewed; wait for the decision before editing.', 'under-review');
    if (!EDITABLE.includes(event.status)) throw conflict(`A ${event.status} event cannot be edited.`, 'not-editable');
    const merged = { ...inputOf(event), ...patch };
    const parsed = validateMerged(merged);
    if (!parsed.success) {
      const errors: FieldError[] = parsed.error.issues.map((i) => ({ field: ['body', ...i.path].join('.'), message: i.message }));
      throw badRequest(`Some fields are not valid: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, errors);
    }
    const fields = toRecordFields(parsed.data, event.tiers);
    if (event.status === 'published') await this.checkPublishedEdit(event, fields);
    const updated = await this.locked(id, async () => {
      const current = await this.events.find(id);
      if (current?.status !== 'published') return this.events.replaceContent(id, EDITABLE, fields);
      // Published: what really changed is announced with the change (see published-edits.ts for the rule).
      const changed = changedFields(current, fields);
      return this.events.replaceContent(id, ['published'], fields, changed.length ? [eventUpdated(current, fields, changed)] : []);
    });
    if (!updated) throw conflict('The event changed state while you edited it; reload and try again.', 'state-changed');
    return ownerView(updated, await this.seats.ledgersOf(id));
  }

  /**
   * A published event has buyers: no tier change that hurts them (409), no move into the past; then the seat
   * ledgers follow the tiers (new tiers open for sale at once; capacity never below what is sold or held).
   */
  private async checkPublishedEdit(event: EventRecord, fields: Partial<EventRecord>): Promise<void> {
    const nextTiers = fields.tiers!;
    if (fields.startsAt!.getTime() !== event.startsAt.getTime() && fields.startsAt! <= new Date()) {
      throw badRequest('A published event can only be moved to a time still ahead.', [
        { field: 'body.startsAt', message: 'must be in the future' },
      ]);
    }
    refuseHarmfulTierChanges(event.tiers, nextTiers, await this.seats.ledgersOf(event._id));
    for (const tier of nextTiers) {
      if (event.tiers.some((t) => t.id === tier.id)) {
        if ((await this.seats.resize(event._id, tier.id, tier.capacity)) === 'below-taken') {
          throw conflict(`Tickets of "${tier.name}" were sold meanwhile; capacity cannot go that low.`, 'tickets-sold');
        }
      } else {
        await this.seats.openLedger(event._id, tier.id, tier.capacity);
      }
    }
  }

  async submit(id: string, caller: Principal) {
    const event = await this.owned(id, caller);
    if (event.startsAt <= new Date()) throw conflict('The event has already started; it cannot be submitted.', 'in-the-past');
    const submissionId = randomUUID();
    const submitted = await this.locked(id, async () => {
      const current = await this.events.find(id);
      if (!current) return null;
      const submittedAt = new Date();
      const announce = outboxEvent('EventSubmitted', {
        eventId: id,
        organizerId: current.organizerId,
        submissionId,
        submittedAt: submittedAt.toISOString(),
        snapshot: snapshotOf({ ...current, status: 'pending_review', submissionId, updatedAt: submittedAt }),
      });
      return this.events.transition(id, ['draft', 'rejected'], { status: 'pending_review', submissionId }, [announce]);
    });
    if (!submitted) throw conflict(`Only a draft or rejected event can be submitted; this one is ${event.status}.`, 'wrong-state');
    return ownerView(submitted, []);
  }

  async cancel(id: string, caller: Principal, reason: string | undefined) {
    const event = await this.owned(id, caller);
    const announce = outboxEvent('EventCancelled', {
      eventId: id,
      organizerId: event.organizerId,
      title: event.title,
      ...(reason ? { reason } : {}),
    });
    const cancelled = await this.locked(id, () =>
      this.events.transition(
        id,
        ['draft', 'pending_review', 'published', 'rejected'],
        { status: 'cancelled', cancelledAt: new Date(), cancellationReason: reason ?? null },
        [announce],
      ),
    );
    if (!cancelled) throw conflict(`The event is already ${event.status}.`, 'wrong-state');
    return ownerView(cancelled, await this.seats.ledgersOf(id));
  }

  /** From EventApproved: publish, only if still under review for that very submission. */
  async approve(data: EventPayloads['EventApproved']): Promise<void> {
    await this.locked(data.eventId, async () => {
      const event = await this.events.find(data.eventId);
      if (!event || event.status !== 'pending_review' || event.submissionId !== data.submissionId) return; // handled, or a stale decision
      // Ledgers first (idempotent): a published event always has them, whatever crashes after this line.
      for (const tier of event.tiers) await this.seats.openLedger(event._id, tier.id, tier.capacity);
      const announce = outboxEvent('EventPublished', {
        eventId: event._id,
        organizerId: event.organizerId,
        title: event.title,
        startsAt: event.startsAt.toISOString(),
      });
      await this.events.transition(
        data.eventId,
        ['pending_review'],
        { status: 'published', publishedAt: new Date(), rejection: null },
        [announce],
        {
          submissionId: data.submissionId,
        },
      );
    });
  }

  /** From EventRejected: back to the organizer with the reason. */
  async reject(data: EventPayloads['EventRejected']): Promise<void> {
    await this.locked(data.eventId, () =>
      this.events.transition(
        data.eventId,
        ['pending_review'],
        { status: 'rejected', rejection: { reason: data.reason, reviewerId: data.reviewerId, decidedAt: new Date(data.decidedAt) } },
        [],
        { submissionId: data.submissionId },
      ),
    );
  }

  async browse(
    query: {
      q?: string | undefined;
      category?: EventCategory | undefined;
      city?: string | undefined;
      from?: Date | undefined;
      to?: Date | undefined;
    },
    after: { startsAt: Date; id: string } | undefined,
    limit: number,
  ) {
    const rows = await this.events.browse(
      {
        keywords: query.q ? normaliseQuery(query.q) : [],
        category: query.category,
        city: query.city,
        from: query.from,
        to: query.to,
        after,
        now: new Date(),
      },
      limit + 1,
    );
    const page = rows.slice(0, limit);
    const items = await Promise.all(page.map(async (e) => publicView(e, await this.seats.ledgersOf(e._id))));
    const last = rows.length > limit ? page.at(-1) : undefined;
    return { items, last };
  }

  async mine(organizerId: string, after: { createdAt: Date; id: string } | undefined, limit: number) {
    const rows = await this.events.ofOrganizer(organizerId, after, limit + 1);
    const page = rows.slice(0, limit);
    const items = await Promise.all(page.map(async (e) => ownerView(e, await this.seats.ledgersOf(e._id))));
    return { items, last: rows.length > limit ? page.at(-1) : undefined };
  }

  async internalView(id: string) {
    const event = await this.events.find(id);
    if (!event) throw notFound('event');
    return {
      id: event._id,
      organizerId: event.organizerId,
      staffIds: event.staffIds,
      status: event.status,
      title: event.title,
      startsAt: event.startsAt.toISOString(),
      endsAt: event.endsAt.toISOString(),
      tiers: event.tiers.map((t) => ({ id: t.id, name: t.name, price: t.price, currency: t.currency, capacity: t.capacity })),
    };
  }
}
