import { Stack, useLocalSearchParams } from 'expo-router';
import { StyleSheet, Text, useWindowDimensions, View } from 'react-native';
import { formatEventDate } from '@/ui/format';
import { EmptyState, Loading } from '@/ui/States';
import { colors, font, space } from '@/ui/theme';
import { useTicketWallet } from './api';
import { useKeepBright } from './keep-bright';
import { TicketQr } from './TicketQr';

/** One ticket, its QR code as large as the screen allows, on white, screen at full brightness. */
export function TicketScreen() {
  const { id } = useLocalSearchParams<{ id: string }>();
  const wallet = useTicketWallet();
  const { width, height } = useWindowDimensions();
  useKeepBright();
  if (wallet.isPending) return <Loading label="Loading your ticket…" />;
  const ticket = wallet.wallet?.tickets.find((t) => t.id === id);
  if (!ticket) return <EmptyState title="Ticket not found" body="It may belong to another account, or this device has not seen it yet." />;
  const event = wallet.wallet?.events[ticket.eventId];
  const size = Math.min(width - 48, height - 280, 420);
  return (
    <View style={styles.screen}>
      <Stack.Screen options={{ title: 'Ticket' }} />
      <Text style={styles.title} role="heading" aria-level={1}>
        {event?.title ?? 'Your ticket'}
      </Text>
      {event ? <Text style={styles.meta}>{formatEventDate(event.startsAt, event.timeZone)}</Text> : null}
      <Text style={styles.meta}>
        {ticket.tierName} · seat {ticket.seat}
      </Text>
      {ticket.qr ? (
        <TicketQr
          value={ticket.qr}
          size={size}
          label={`QR code of ${event?.title ?? 'your event'}, ${ticket.tierName}, seat ${ticket.seat}`}
        />
      ) : (
        <Text style={styles.meta}>This ticket was cancelled and no longer gets anyone in.</Text>
      )}
      <Text style={styles.hint}>Show this code at the door. It works once.</Text>
    </View>
  );
}

const styles = StyleSheet.create({
  screen: { flex: 1, backgroundColor: '#ffffff', alignItems: 'center', justifyContent: 'center', padding: space.xl, gap: space.md },
  title: { fontSize: font.title, fontWeight: '800', color: colors.text, textAlign: 'center' },
  meta: { fontSize: font.body, color: colors.muted, textAlign: 'center' },
  hint: { fontSize: font.small, color: colors.muted },
});
