import type { Booking } from '@eventify/contracts';
import { useEvent } from '@/features/events/api';
import { Badge } from '@/ui/Card';
import { formatMoney, formatMoment } from '@/ui/format';
import { LinkRow, ListHeading } from '@/ui/LinkRow';
import { PagedList } from '@/ui/PagedList';
import { EmptyState } from '@/ui/States';
import { STATUS_LABELS, useBookings } from './api';

function BookingRow({ booking }: { booking: Booking }) {
  const event = useEvent(booking.eventId);
  const seats = booking.items.reduce((sum, item) => sum + item.quantity, 0);
  const title = event.data?.title ?? 'Event';
  const status = STATUS_LABELS[booking.status];
  return (
    <LinkRow
      href={`/bookings/${booking.id}`}
      label={`${title}: ${seats} tickets, ${status}`}
      title={title}
      details={[
        `${seats} ticket${seats === 1 ? '' : 's'} · ${booking.amount === 0 ? 'Free' : formatMoney(booking.amount, booking.currency)} · booked ${formatMoment(booking.createdAt)}`,
      ]}
      aside={
        <Badge
          label={status}
          tone={booking.status === 'confirmed' ? 'success' : booking.status === 'pending_payment' ? 'warning' : 'neutral'}
        />
      }
      testID="booking-row"
    />
  );
}

export function BookingsScreen() {
  return (
    <PagedList
      query={useBookings()}
      keyOf={(b) => b.id}
      renderItem={(booking) => <BookingRow booking={booking} />}
      loadingLabel="Loading your bookings…"
      errorTitle="Your bookings did not load"
      header={<ListHeading>Your bookings</ListHeading>}
      empty={<EmptyState title="No bookings yet" body="When you book tickets, they show up here." />}
    />
  );
}
