import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { isAppError, type Mutex, type ServiceClient } from '@eventify/kit';
import type { DeadPushTokensRepository } from '../data/dead-push-tokens-repository.js';
import type { Delivery, DeliveryState, NotificationRecord, NotificationsRepository } from '../data/notifications-repository.js';
import type { PreferencesRepository } from '../data/preferences-repository.js';
import type { Mailer } from '../delivery/mailer.js';
import type { PushResult, PushSender } from '../delivery/push.js';
import { composeEmail, type ResetToken } from './email.js';
import { effectiveChannels } from './kinds.js';

export interface DeliveryPolicy {
  maxAttempts: number;
  retryBaseMs: number;
  resetUrl: string;
}

export interface DeliveriesDeps {
  notifications: NotificationsRepository;
  preferences: PreferencesRepository;
  deadTokens: DeadPushTokensRepository;
  users: ServiceClient;
  mailer: Mailer;
  push: PushSender;
  mutex: Mutex;
  log: Logger;
  policy: DeliveryPolicy;
}

interface Contact {
  id: string;
  email: string;
  name: string;
  pushTokens: string[];
}

/**
 * Whoever writes a notification holds this lock: the delivery worker and the inbox's read marks. FerretDB 1.x
 * writes the whole document on every update, so two updates at once (a delivery attempt, a read mark) would
 * let the later one undo the other; MongoDB would not, and the lock costs one Redis round trip.
 */
export const notificationLock = (id: string) => `notification:${id}`;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

/**
 * Sends what the inbox holds by e-mail and push. The work lives on the notification itself (`deliveries`,
 * `dueAt`), so a retry, a restart or another replica picks it up where it was; a per-notification lock keeps
 * two replicas from sending the same thing, and every attempt is written down before the lock is let go.
 * Nothing here ever holds up the in-app notification: it is stored before any of this runs.
 */
export class Deliveries {
  /** This process, as holder of password reset tokens (kept in memory only). */
  readonly replica = randomUUID();
  private readonly secrets = new Map<string, ResetToken>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: DeliveriesDeps) {}

  /** Keep a reset token for a notification this process will send. */
  holdSecret(notificationId: string, token: ResetToken): void {
    this.secrets.set(notificationId, token);
  }

  dropSecret(notificationId: string): void {
    this.secrets.delete(notificationId);
  }

  /** Start on a new notification now rather than at the next poll. */
  kick(id: string): void {
    const work = this.process(id).finally(() => this.running.delete(work));
    this.running.add(work);
  }

  /** One round of the worker: everything due that this replica may send, a few at a time. */
  async poll(now = new Date()): Promise<void> {
    const due = await this.deps.notifications.due(now, this.replica, 50);
    for (let i = 0; i < due.length; i += 5) await Promise.all(due.slice(i, i + 5).map((n) => this.process(n._id)));
  }

  /** Wait for work started by kick() (on shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  private async process(id: string): Promise<void> {
    try {
      // The lease (30 s, renewed while sending) outlasts any single call (DELIVERY_TIMEOUT_MS, 10 s), and the
      // attempt is written only while it is certainly held (saveDeliveryState checks). waitMs 0: if another
      // replica is on it, leave it. A crash after a send and before its record sends it again, with the same
      // Message-ID: e-mail and push are at-least-once, like every effect outside our databases.
      await this.deps.mutex.run(notificationLock(id), () => this.step(id), { ttlMs: 30_000, waitMs: 0 });
    } catch (error) {
      if (isAppError(error) && error.status === 503) return; // busy elsewhere
      this.deps.log.warn({ err: error, notificationId: id }, 'delivery round failed; the next poll retries');
    }
  }

  private async step(id: string): Promise<void> {
    const now = new Date();
    const n = await this.deps.notifications.find(id);
    if (!n || !n.dueAt || n.dueAt > now) return;
    const secret = this.secrets.get(id);
    if (n.secretHolder && (!secret || secret.expiresAt <= now)) {
      if (n.secretHolder !== this.replica && (!n.secretExpiresAt || n.secretExpiresAt > now)) return; // not ours to send
      return this.giveUp(n, 'not sent: the reset link expired before it could be sent');
    }

    let deliveries = n.deliveries;
    let recipient = n.recipient;
    if (!deliveries) {
      try {
        ({ deliveries, recipient } = await this.plan(n, now));
      } catch (error) {
        const attempts = n.planning.attempts + 1;
        const last = attempts >= this.deps.policy.maxAttempts;
        this.deps.log.warn(
          { err: error, notificationId: id, attempts },
          last ? 'could not work out deliveries; giving up' : 'could not work out deliveries; will retry',
        );
        await this.save(n._id, {
          deliveries: last ? [] : null,
          planning: { attempts, error: message(error) },
          dueAt: last ? null : this.backoff(now, attempts),
        });
        return;
      }
    }

    const due = deliveries.filter((d) => d.status === 'pending' && d.nextAttemptAt && d.nextAttemptAt <= now);
    for (const delivery of due.filter((d) => d.channel === 'email')) {
      try {
        const messageId = `<${n._id}.${delivery.to.replace(/[^A-Za-z0-9.@-]/g, '')}@eventify.notification>`;
        const sent = await this.deps.mailer.send({
          to: delivery.to,
          messageId,
          ...composeEmail(n, recipient?.name ?? null, secret, this.deps.policy.resetUrl),
        });
        this.record(delivery, now, null, sent.id);
      } catch (error) {
        this.record(delivery, now, message(error));
      }
    }
    await this.sendPushes(
      n,
      due.filter((d) => d.channel === 'push'),
      now,
    );

    const pending = deliveries.filter((d) => d.status === 'pending').map((d) => d.nextAttemptAt!.getTime());
    if (pending.length === 0) this.secrets.delete(id);
    await this.save(n._id, { deliveries, recipient, planning: n.planning, dueAt: pending.length ? new Date(Math.min(...pending)) : null });
  }

  /** Which channels and addresses: the person's preferences for this kind, and what they have. */
  private async plan(n: NotificationRecord, now: Date) {
    const channels = effectiveChannels(n.kind, (await this.deps.preferences.chosen(n.userId))[n.kind]);
    const contact = channels.push || (channels.email && !n.recipient) ? await this.contact(n.userId) : null;
    const recipient = n.recipient ?? (contact ? { email: contact.email, name: contact.name } : null);
    const deliveries: Delivery[] = [];
    const planned = (channel: Delivery['channel'], to: string): Delivery => ({
      channel,
      to,
      status: 'pending',
      attempts: [],
      nextAttemptAt: now,
      providerId: null,
    });
    if (channels.email && recipient?.email) deliveries.push(planned('email', recipient.email));
    if (channels.push && contact) {
      const dead = await this.deps.deadTokens.filterDead(contact.pushTokens);
      for (const token of contact.pushTokens) if (!dead.has(token)) deliveries.push(planned('push', token));
    }
    return { deliveries, recipient };
  }

  /** E-mail and devices from the user service; null for someone it does not know (nothing to send to). */
  private async contact(userId: string): Promise<Contact | null> {
    try {
      return (await this.deps.users<Contact>('GET', `/internal/users/${encodeURIComponent(userId)}/contact`)).body;
    } catch (error) {
      if (isAppError(error) && error.status === 404) return null;
      throw error;
    }
  }

  private async sendPushes(n: NotificationRecord, due: Delivery[], now: Date): Promise<void> {
    if (due.length === 0) return;
    const messages = due.map((d) => ({ to: d.to, title: n.title, body: n.body, data: { notificationId: n._id, kind: n.kind, ...n.data } }));
    let results: PushResult[];
    try {
      results = await this.deps.push.send(messages);
    } catch (error) {
      for (const delivery of due) this.record(delivery, now, message(error));
      return;
    }
    for (const [i, delivery] of due.entries()) {
      const result = results[i];
      if (result?.ok) this.record(delivery, now, null, result.id);
      else if (result?.code === 'DeviceNotRegistered') {
        // The app is gone from that device: stop now, and skip the token from now on (best effort: the
        // outcome above must be saved whatever happens here, or the other pushes would go out again).
        this.record(delivery, now, `DeviceNotRegistered: ${result.error}`, null, true);
        await this.deps.deadTokens
          .add(delivery.to, n.userId, result.error)
          .catch((error) => this.deps.log.warn({ err: error }, 'could not remember a dead push token'));
      } else this.record(delivery, now, result ? `${result.code ?? 'error'}: ${result.error}` : 'no ticket for this message');
    }
  }

  /** Write down one attempt; schedule the next with doubling waits, or stop. */
  private record(delivery: Delivery, at: Date, error: string | null, providerId: string | null = null, final = false): void {
    delivery.attempts.push({ at, ok: error === null, error });
    if (error === null) {
      delivery.status = 'sent';
      delivery.providerId = providerId;
      delivery.nextAttemptAt = null;
    } else if (final || delivery.attempts.length >= this.deps.policy.maxAttempts) {
      delivery.status = 'failed';
      delivery.nextAttemptAt = null;
      // Push tokens are credentials of a device: never in a log line.
      const logged = error.replace(/Expo(nent)?PushToken\[[^\]]*\]/g, 'ExponentPushToken[…]');
      this.deps.log.warn({ channel: delivery.channel, attempts: delivery.attempts.length, error: logged }, 'delivery failed for good');
    } else {
      delivery.nextAttemptAt = this.backoff(at, delivery.attempts.length);
    }
  }

  private backoff(from: Date, attempts: number): Date {
    return new Date(from.getTime() + this.deps.policy.retryBaseMs * 2 ** (attempts - 1));
  }

  private async giveUp(n: NotificationRecord, reason: string): Promise<void> {
    const now = new Date();
    const deliveries =
      n.deliveries ??
      (n.recipient
        ? [
            {
              channel: 'email' as const,
              to: n.recipient.email,
              status: 'pending' as const,
              attempts: [],
              nextAttemptAt: now,
              providerId: null,
            },
          ]
        : []);
    for (const delivery of deliveries) if (delivery.status === 'pending') this.record(delivery, now, reason, null, true);
    this.secrets.delete(n._id);
    await this.save(n._id, { deliveries, planning: n.planning, dueAt: null });
  }

  private save(id: string, state: DeliveryState) {
    return this.deps.notifications.saveDeliveryState(id, state);
  }
}
