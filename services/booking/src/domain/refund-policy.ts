import type { CancellationTerms } from '@eventify/contracts';
import type { Booking } from '../data/bookings-repository.js';

export interface RefundPolicy {
  /** A confirmed paid booking cancelled by its owner later than this before the event gets no refund. */
  refundCutoffHours: number;
}

export type CancelReason = 'user' | 'event_cancelled' | 'admin' | 'payment_late';

/** Whether cancelling a booking for this reason now refunds it: the one rule, used to cancel and to preview. */
export function refundsOnCancel(booking: Booking, reason: CancelReason, policy: RefundPolicy, now = new Date()): boolean {
  if (booking.status !== 'confirmed' || booking.amount === 0) return false;
  if (reason !== 'user' || !booking.eventStartsAt) return true;
  return now.getTime() < booking.eventStartsAt.getTime() - policy.refundCutoffHours * 3_600_000;
}

export function formatMoney(minorUnits: number, currency: string): string {
  const format = new Intl.NumberFormat('en', { style: 'currency', currency, currencyDisplay: 'code' });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** digits).replace(/\u00a0/g, ' ');
}

/** What the owner cancelling now would mean, in words, or null when the booking cannot be cancelled. */
export function cancellationTerms(booking: Booking, policy: RefundPolicy, now = new Date()): CancellationTerms | null {
  const base = { currency: booking.currency, refundAmount: 0, refund: 'none' as const };
  if (booking.status === 'pending_payment') return { ...base, detail: 'Nothing has been charged yet: your seats go back on sale.' };
  if (booking.status !== 'confirmed') return null;
  if (booking.amount === 0) return { ...base, detail: 'These tickets were free: cancelling gives their seats back.' };
  if (refundsOnCancel(booking, 'user', policy, now)) {
    return {
      ...base,
      refund: 'full',
      refundAmount: booking.amount,
      detail: `You get ${formatMoney(booking.amount, booking.currency)} back in full.`,
    };
  }
  return {
    ...base,
    detail: `The event starts in less than ${policy.refundCutoffHours} hours: cancelling now gives no refund, and your tickets stop working.`,
  };
}
