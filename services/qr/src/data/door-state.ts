import type { Redis } from 'ioredis';

/** When and where a ticket was first admitted: what `already_used` says. */
export interface FirstAdmission {
  at: string;
  gate: string;
  /** The admission's id (its check-in record's `admissionId`); absent for one rebuilt from a record that has none. */
  id?: string | undefined;
}

export type AdmitOutcome =
  | { kind: 'admitted'; pendingId: string }
  | { kind: 'used'; first: FirstAdmission }
  | { kind: 'cancelled' }
  /** This event's door state is not in Redis (never loaded, or Redis lost it): rebuild it from MongoDB first. */
  | { kind: 'rebuild' };

/**
 * The door's decision, atomic in one script: the event's door state is loaded (fence), the ticket is not voided,
 * nobody admitted it yet; then the admission is taken (the check-in key) and written to the pending stream (the
 * outbox of admissions not yet in MongoDB) in the same step, so neither exists without the other.
 * KEYS: ready, voided, check-in, pending. ARGV: ticket id, first admission (JSON), pending entry (JSON), key TTL.
 */
const ADMIT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'rebuild'} end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return {'cancelled'} end
local first = redis.call('GET', KEYS[3])
if first then return {'used', first} end
redis.call('SET', KEYS[3], ARGV[2], 'EX', ARGV[4])
return {'admitted', redis.call('XADD', KEYS[4], '*', 'c', ARGV[3])}
`;

/** How long the fence of an event lasts; check-in keys outlive it, so an expired fence never leaves a key missing. */
const READY_SECONDS = 12 * 3600;
const CHECK_IN_SECONDS = 2 * READY_SECONDS;

/**
 * The door's fast state in Redis, under the qr service's own prefix. MongoDB's check-in records stay the truth;
 * this is what lets a scan be decided without a database round trip:
 *
 * - `door:checkin:<ticketId>`: the first admission of a ticket (JSON: at, gate, id).
 * - `door:voided:<eventId>`: tickets of the event that no longer admit anyone (filled when a booking is cancelled).
 * - `door:ready:<eventId>`: the fence. Set only after the two above were rebuilt from MongoDB; a Redis that lost
 *   its data (restart without persistence, keys deleted) has no fence, so no scan is decided until the event's
 *   state is back.
 * - `door:pending`: a stream of admissions Redis decided that are not yet in MongoDB (see CheckInWriter).
 */
export class DoorState {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(...parts: string[]) {
    return [this.prefix, 'door', ...parts].join(':');
  }

  private get pendingKey() {
    return this.key('pending');
  }

  async admit(eventId: string, ticketId: string, first: FirstAdmission, pendingEntry: string): Promise<AdmitOutcome> {
    const keys = [this.key('ready', eventId), this.key('voided', eventId), this.key('checkin', ticketId), this.pendingKey];
    const [kind, value] = (await this.redis.eval(
      ADMIT,
      keys.length,
      ...keys,
      ticketId,
      JSON.stringify(first),
      pendingEntry,
      CHECK_IN_SECONDS,
    )) as [string, string?];
    if (kind === 'admitted') return { kind, pendingId: value! };
    if (kind === 'used') return { kind, first: JSON.parse(value!) as FirstAdmission };
    if (kind === 'cancelled' || kind === 'rebuild') return { kind };
    throw new Error(`unexpected answer from the door script: ${kind}`);
  }

  /** Is the event's door state loaded (fence up)? */
  async isReady(eventId: string): Promise<boolean> {
    return (await this.redis.exists(this.key('ready', eventId))) === 1;
  }

  /**
   * Load an event's door state from MongoDB's records, then raise the fence. The records overwrite what Redis
   * has (they are the truth); admissions Redis decided that are not yet in MongoDB keep their keys.
   */
  async load(eventId: string, checkIns: { ticketId: string; first: FirstAdmission }[], voided: string[]): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const { ticketId, first } of checkIns) pipeline.set(this.key('checkin', ticketId), JSON.stringify(first), 'EX', CHECK_IN_SECONDS);
    if (voided.length) pipeline.sadd(this.key('voided', eventId), ...voided);
    pipeline.expire(this.key('voided', eventId), CHECK_IN_SECONDS);
    pipeline.set(this.key('ready', eventId), new Date().toISOString(), 'EX', READY_SECONDS);
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw failed?.[0] ?? new Error('loading the door state failed');
  }

  /** The durable first admission of a ticket, learnt from MongoDB: what later scans must say. */
  async remember(ticketId: string, first: FirstAdmission): Promise<void> {
    await this.redis.set(this.key('checkin', ticketId), JSON.stringify(first), 'EX', CHECK_IN_SECONDS);
  }

  /** Tickets of an event that stop admitting anyone (a cancelled booking). */
  async void(eventId: string, ticketIds: string[]): Promise<void> {
    if (ticketIds.length === 0) return;
    await this.redis
      .multi()
      .sadd(this.key('voided', eventId), ...ticketIds)
      .expire(this.key('voided', eventId), CHECK_IN_SECONDS)
      .exec();
  }

  /** Admissions recorded in MongoDB: no longer pending. */
  async settled(pendingIds: string[]): Promise<void> {
    if (pendingIds.length) await this.redis.xdel(this.pendingKey, ...pendingIds);
  }

  /** Pending admissions older than `ageMs`: their process died (or is very late) before writing them. */
  async stalePending(ageMs: number, count = 500): Promise<{ pendingId: string; entry: string }[]> {
    const entries = await this.redis.xrange(this.pendingKey, '-', String(Date.now() - ageMs), 'COUNT', count);
    return entries.map(([pendingId, fields]) => ({ pendingId, entry: fields[1]! }));
  }
}
