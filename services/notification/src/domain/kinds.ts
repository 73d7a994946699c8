/**
 * What a notification is about. Each kind has default channels; in-app is always on (it is the inbox),
 * and a password reset always goes out by e-mail: that e-mail is the only way the token reaches the person.
 */
import { NOTIFICATION_KINDS, type NotificationKind } from '@eventify/contracts';

export { NOTIFICATION_KINDS, type NotificationKind };

/** Channels a person can turn on and off per kind (in-app cannot be turned off). */
export type OptionalChannel = 'email' | 'push';
export type Channel = 'in_app' | OptionalChannel;
export type ChannelSettings = Record<OptionalChannel, boolean>;

/**
 * Defaults: e-mail for account and security, event review, booking and payment news; push for what happens
 * around a booking (booking, payment, tickets), where a phone buzz is welcome.
 */
export const DEFAULT_CHANNELS: Readonly<Record<NotificationKind, ChannelSettings>> = {
  welcome: { email: true, push: false },
  password_reset: { email: true, push: false },
  event_approved: { email: true, push: false },
  event_rejected: { email: true, push: false },
  event_cancelled: { email: true, push: false },
  booking_confirmed: { email: true, push: true },
  booking_cancelled: { email: true, push: true },
  booking_expired: { email: true, push: true },
  payment_failed: { email: true, push: true },
  payment_refunded: { email: true, push: true },
  tickets_issued: { email: false, push: true },
  // A changed date or venue matters to everyone holding a ticket: both channels.
  event_changed: { email: true, push: true },
  staff_added: { email: true, push: false },
};

/** Channels fixed on for a kind, whatever the preferences say. */
export const LOCKED_CHANNELS: Readonly<Partial<Record<NotificationKind, readonly OptionalChannel[]>>> = {
  password_reset: ['email'],
};

export function isLocked(kind: NotificationKind, channel: OptionalChannel): boolean {
  return LOCKED_CHANNELS[kind]?.includes(channel) ?? false;
}

/** The channels a kind goes out on: defaults, then the person's choices, then what cannot be turned off. */
export function effectiveChannels(kind: NotificationKind, chosen: Partial<ChannelSettings> | undefined): ChannelSettings {
  const settings = { ...DEFAULT_CHANNELS[kind], ...chosen };
  for (const channel of LOCKED_CHANNELS[kind] ?? []) settings[channel] = true;
  return settings;
}
