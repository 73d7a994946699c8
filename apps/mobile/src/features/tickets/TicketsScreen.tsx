import { Link, useLocalSearchParams } from 'expo-router';
import { useState } from 'react';
import { Pressable, StyleSheet, Text, useWindowDimensions, View } from 'react-native';
import type { Ticket } from '@eventify/contracts';
import { describeError, isApiError } from '@/api/errors';
import { useNow } from '@/hooks/useNow';
import { Badge, Card } from '@/ui/Card';
import { formatEventDate, formatMoment } from '@/ui/format';
import { Screen } from '@/ui/Screen';
import { EmptyState, ErrorState, Loading, Notice } from '@/ui/States';
import { colors, font, space } from '@/ui/theme';
import { useTicketWallet } from './api';
import type { EventSummary } from './device-copy';
import { TicketQr } from './TicketQr';

/** How long the screen keeps asking for the tickets of a booking that was just confirmed. */
const ISSUING_PATIENCE_MS = 30_000;

function TicketCard({ ticket, event, qrSize }: { ticket: Ticket; event: EventSummary | undefined; qrSize: number }) {
  const label = `${ticket.tierName}, seat ${ticket.seat}`;
  return (
    <Card testID="ticket">
      <View style={styles.ticketHead}>
        <Text style={styles.tier}>{label}</Text>
        {ticket.checkedInAt ? (
          <Badge label={`Used ${formatMoment(ticket.checkedInAt)}`} />
        ) : ticket.status === 'valid' ? (
          <Badge label="Valid" tone="success" />
        ) : (
          <Badge label="Cancelled" tone="danger" />
        )}
      </View>
      {ticket.qr ? (
        <Link href={`/tickets/${ticket.id}`} asChild>
          <Pressable role="link" aria-label={`Open the QR code of ${label} full screen`}>
            <TicketQr value={ticket.qr} size={qrSize} label={`QR code of ${event?.title ?? 'your event'}, ${label}`} />
          </Pressable>
        </Link>
      ) : (
        <Text style={styles.muted}>This ticket was cancelled and no longer gets anyone in.</Text>
      )}
    </Card>
  );
}

/** The tickets, grouped by event, each with its QR code; they open from this device's copy without a network. */
export function TicketsScreen() {
  const { bookingId } = useLocalSearchParams<{ bookingId?: string }>();
  // Right after a booking is confirmed its tickets are still being issued: keep looking for a short while.
  const [startedAt] = useState(() => Date.now());
  const waiting = (w: { tickets: Ticket[] } | undefined) => !!bookingId && !w?.tickets.some((t) => t.bookingId === bookingId);
  const wallet = useTicketWallet((w) => waiting(w) && Date.now() - startedAt < ISSUING_PATIENCE_MS);
  const now = useNow(waiting(wallet.wallet ?? undefined), 5_000);
  const { width } = useWindowDimensions();
  const qrSize = Math.min(260, width - 96);

  if (wallet.isPending) return <Loading label="Loading your tickets…" />;
  if (!wallet.wallet) return <ErrorState error={wallet.error} onRetry={wallet.refetch} title="Your tickets did not load" />;
  const { tickets, events, savedAt } = wallet.wallet;
  const byEvent = new Map<string, Ticket[]>();
  for (const ticket of [...tickets].sort((a, b) => a.seat - b.seat))
    byEvent.set(ticket.eventId, [...(byEvent.get(ticket.eventId) ?? []), ticket]);
  const issuing = !!bookingId && !tickets.some((t) => t.bookingId === bookingId);

  return (
    <Screen onRefresh={wallet.refetch} refreshing={wallet.isRefetching}>
      <Text style={styles.title} role="heading" aria-level={1}>
        Your tickets
      </Text>
      {wallet.fromDevice ? (
        <Notice tone="warning" testID="offline-tickets">
          {`${isApiError(wallet.error) && wallet.error.kind === 'offline' ? '' : `${describeError(wallet.error)} `}Showing the tickets saved on this device, as of ${formatMoment(savedAt)}.`}
        </Notice>
      ) : null}
      {issuing ? (
        <Notice tone={now.getTime() - startedAt < ISSUING_PATIENCE_MS ? 'info' : 'warning'}>
          {now.getTime() - startedAt < ISSUING_PATIENCE_MS
            ? 'Your tickets are being issued. They appear here in a moment.'
            : 'Your tickets are taking longer than usual. Pull down to check again; you also get a notification when they are ready.'}
        </Notice>
      ) : null}
      {tickets.length === 0 && !issuing ? (
        <EmptyState title="No tickets yet" body="Tickets appear here as soon as a booking is confirmed." />
      ) : null}
      {[...byEvent].map(([eventId, group]) => {
        const event = events[eventId];
        return (
          <View key={eventId} style={styles.group}>
            <Text style={styles.event} role="heading" aria-level={2}>
              {event?.title ?? 'Event'}
            </Text>
            {event ? (
              <Text style={styles.muted}>
                {formatEventDate(event.startsAt, event.timeZone)} · {event.venue.name}, {event.venue.city}
              </Text>
            ) : null}
            {group.map((ticket) => (
              <TicketCard key={ticket.id} ticket={ticket} event={event} qrSize={qrSize} />
            ))}
          </View>
        );
      })}
    </Screen>
  );
}

const styles = StyleSheet.create({
  title: { fontSize: font.hero, fontWeight: '800', color: colors.text },
  group: { gap: space.md },
  event: { fontSize: font.large, fontWeight: '700', color: colors.text },
  ticketHead: { flexDirection: 'row', justifyContent: 'space-between', alignItems: 'center', gap: space.sm, flexWrap: 'wrap' },
  tier: { fontSize: font.body, fontWeight: '700', color: colors.text },
  muted: { fontSize: font.small, color: colors.muted },
});
