import { randomUUID } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Notification, NotificationPreferences } from '@eventify/contracts';
import { badRequest, notFound, type Mutex } from '@eventify/kit';
import type { NotificationRecord, NotificationsRepository, PagePosition } from '../data/notifications-repository.js';
import type { ChosenChannels, PreferencesRepository } from '../data/preferences-repository.js';
import { notificationLock, type Deliveries } from './deliveries.js';
import { NOTIFICATION_KINDS, effectiveChannels, isLocked, type NotificationKind, type OptionalChannel } from './kinds.js';
import type { NotificationIntent } from './messages.js';

export function notificationView(n: NotificationRecord): Notification {
  return {
    id: n._id,
    kind: n.kind,
    title: n.title,
    body: n.body,
    data: n.data,
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt?.toISOString() ?? null,
    /** E-mail and push sent for it, each attempt with its outcome (empty while still being worked out). */
    deliveries: (n.deliveries ?? []).map((d) => ({
      channel: d.channel,
      to: d.to,
      status: d.status,
      attempts: d.attempts.map((a) => ({ at: a.at.toISOString(), ok: a.ok, error: a.error })),
    })),
  };
}

/** The person's channels for every kind: in-app always, and what cannot be turned off marked as such. */
export function preferencesView(chosen: ChosenChannels): NotificationPreferences {
  const kinds = {} as NotificationPreferences['kinds'];
  for (const kind of NOTIFICATION_KINDS) {
    const locked = ['inApp', ...(['email', 'push'] as const).filter((c) => isLocked(kind, c))];
    kinds[kind] = { inApp: true, ...effectiveChannels(kind, chosen[kind]), locked };
  }
  return { kinds };
}

/** How long a read mark waits for the delivery worker to finish with a notification. */
const READ_LOCK_WAIT_MS = 10_000;
const READ_ALL_BATCH = 500;

/** The in-app inbox and what each person chose to receive where. */
export class Notifications {
  constructor(
    private readonly repository: NotificationsRepository,
    private readonly preferences: PreferencesRepository,
    private readonly deliveries: Deliveries,
    private readonly log: Logger,
    /** Older news goes to the inbox only (see DELIVERY_MAX_AGE_MINUTES). */
    private readonly maxAgeMs: number,
    private readonly mutex: Mutex,
  ) {}

  /**
   * Store the in-app notification, then hand it to the delivery worker. A repeat (same event, or the same news
   * about the same thing) stores nothing and sends nothing.
   */
  async notify(intent: NotificationIntent, event: { id: string; occurredAt: string }): Promise<void> {
    const id = randomUUID();
    const now = new Date();
    const eventId = event.id;
    const stale = now.getTime() - Date.parse(event.occurredAt) > this.maxAgeMs;
    const secret = stale ? undefined : intent.resetToken;
    // The token is held before the insert, so that a poll right after it finds it.
    if (secret) this.deliveries.holdSecret(id, secret);
    const stored = await this.repository.insert({
      _id: id,
      userId: intent.userId,
      kind: intent.kind,
      sourceId: intent.sourceId,
      eventId,
      title: intent.title,
      body: intent.body,
      data: intent.data,
      recipient: intent.recipient ?? null,
      createdAt: now,
      readAt: null,
      deliveries: stale ? [] : null,
      planning: { attempts: 0, error: stale ? 'too old to send by e-mail or push' : null },
      dueAt: stale ? null : now,
      secretHolder: secret ? this.deliveries.replica : null,
      secretExpiresAt: secret?.expiresAt ?? null,
    });
    if (!stored || stale) {
      this.deliveries.dropSecret(id);
      if (!stored) this.log.info({ userId: intent.userId, kind: intent.kind, eventId }, 'notification exists already; nothing sent again');
      return;
    }
    this.deliveries.kick(id);
  }

  async list(userId: string, unreadOnly: boolean, after: PagePosition | undefined, limit: number) {
    const [rows, unreadCount] = await Promise.all([
      this.repository.ofUser(userId, unreadOnly, after, limit + 1),
      this.repository.countUnread(userId),
    ]);
    const page = rows.slice(0, limit);
    return { items: page.map(notificationView), unreadCount, last: rows.length > limit ? page.at(-1) : undefined };
  }

  /** Under the notification's lock, which the delivery worker writes under too (see notificationLock). */
  async markRead(id: string, userId: string) {
    const read = await this.mutex.run(notificationLock(id), () => this.repository.markRead(id, userId, new Date()), {
      ttlMs: 10_000,
      waitMs: READ_LOCK_WAIT_MS,
    });
    if (!read) throw notFound('notification');
    return notificationView(read);
  }

  /**
   * Marks every unread notification read, a batch at a time, each under its lock. One that stays busy longer
   * than READ_LOCK_WAIT_MS (a slow mail server) is left unread, and the answer's unreadCount says so.
   */
  async markAllRead(userId: string) {
    const at = new Date();
    let marked = 0;
    let after: string | undefined;
    for (;;) {
      const batch = await this.repository.unreadIds(userId, after, READ_ALL_BATCH);
      marked += await this.underLocks(batch, (ids) => this.repository.markManyRead(userId, ids, at));
      if (batch.length < READ_ALL_BATCH) break;
      after = batch.at(-1);
    }
    return { marked, unreadCount: await this.repository.countUnread(userId) };
  }

  /** Runs `write` on the ids whose locks are free, one Redis round trip per try, until all are done or time is up. */
  private async underLocks(ids: string[], write: (ids: string[]) => Promise<number>): Promise<number> {
    let left = ids;
    let count = 0;
    const deadline = Date.now() + READ_LOCK_WAIT_MS;
    while (left.length) {
      const byKey = new Map(left.map((id) => [notificationLock(id), id]));
      const done = await this.mutex.runMany([...byKey.keys()], async (keys) => {
        const taken = keys.map((key) => byKey.get(key)!);
        if (taken.length) count += await write(taken);
        return new Set(taken);
      });
      left = left.filter((id) => !done.has(id));
      if (left.length === 0 || Date.now() > deadline) break;
      await setTimeout(25);
    }
    return count;
  }

  async preferencesOf(userId: string) {
    return preferencesView(await this.preferences.chosen(userId));
  }

  /** Sets the channels named; kinds and channels not named keep their settings. */
  async choose(userId: string, changes: Partial<Record<NotificationKind, Partial<Record<OptionalChannel, boolean>>>>) {
    const refused = Object.entries(changes).flatMap(([kind, channels]) =>
      (['email', 'push'] as const)
        .filter((channel) => channels?.[channel] === false && isLocked(kind as NotificationKind, channel))
        .map((channel) => ({ field: `body.kinds.${kind}.${channel}`, message: 'cannot be turned off: it is how this news reaches you' })),
    );
    if (refused.length) throw badRequest('Some channels cannot be turned off.', refused);
    await this.preferences.choose(userId, changes);
    return this.preferencesOf(userId);
  }
}
