import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Notification, NotificationPreferences } from '@eventify/contracts';
import { badRequest, notFound } from '@eventify/kit';
import type { NotificationRecord, NotificationsRepository, PagePosition } from '../data/notifications-repository.js';
import type { ChosenChannels, PreferencesRepository } from '../data/preferences-repository.js';
import type { Deliveries } from './deliveries.js';
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

/** The in-app inbox and what each person chose to receive where. */
export class Notifications {
  constructor(
    private readonly repository: NotificationsRepository,
    private readonly preferences: PreferencesRepository,
    private readonly deliveries: Deliveries,
    private readonly log: Logger,
    /** Older news goes to the inbox only (see DELIVERY_MAX_AGE_MINUTES). */
    private readonly maxAgeMs: number,
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

  async markRead(id: string, userId: string) {
    const read = await this.repository.markRead(id, userId, new Date());
    if (!read) throw notFound('notification');
    return notificationView(read);
  }

  async markAllRead(userId: string) {
    const marked = await this.repository.markAllRead(userId, new Date());
    return { marked, unreadCount: await this.repository.countUnread(userId) };
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
