import type { EventBus } from '@eventify/kit';
import type { Payments } from '../domain/payments.js';

export function subscribePaymentEvents(bus: EventBus, payments: Payments): void {
  // A cancelled paid booking (by its owner, by the event's cancellation, or a payment that came too late) is refunded.
  bus.subscribe('BookingCancelled', async ({ data }) => {
    if (data.refund) await payments.refundCancelledBooking(data.bookingId, data.reason);
  });
  bus.subscribe('BookingExpired', async ({ data }) => payments.cancelForExpiredBooking(data.bookingId));
}
