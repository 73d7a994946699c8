import { Link } from 'expo-router';
import { Pressable, StyleSheet, Text, View } from 'react-native';
import type { PublicEvent } from '@eventify/contracts';
import { Badge } from '@/ui/Card';
import { formatEventDate, formatMoney } from '@/ui/format';
import { colors, font, radius, space } from '@/ui/theme';
import { isSoldOut, lowestPrice } from './api';

export function priceLabel(event: PublicEvent): string {
  const lowest = lowestPrice(event);
  if (!lowest) return '';
  if (lowest.price === 0) return event.tiers.every((t) => t.price === 0) ? 'Free' : 'From free';
  return `From ${formatMoney(lowest.price, lowest.currency)}`;
}

/** One event in a list: what, when (in the event's time zone), where, from how much, and whether it sold out. */
export function EventCard({ event }: { event: PublicEvent }) {
  const soldOut = isSoldOut(event);
  const when = formatEventDate(event.startsAt, event.timeZone);
  const price = priceLabel(event);
  return (
    <Link href={`/events/${event.id}`} asChild>
      <Pressable
        role="link"
        aria-label={`${event.title}, ${when}, ${event.venue.city}${soldOut ? ', sold out' : price ? `, ${price}` : ''}`}
        style={styles.card}
        testID="event-card"
      >
        <Text style={styles.category}>{event.category.toUpperCase()}</Text>
        <Text style={styles.title} numberOfLines={2}>
          {event.title}
        </Text>
        <Text style={styles.meta}>{when}</Text>
        <Text style={styles.meta}>
          {event.venue.name} · {event.venue.city}
        </Text>
        <View style={styles.footer}>{soldOut ? <Badge label="Sold out" tone="danger" /> : <Text style={styles.price}>{price}</Text>}</View>
      </Pressable>
    </Link>
  );
}

const styles = StyleSheet.create({
  card: {
    backgroundColor: colors.surface,
    borderRadius: radius.lg,
    padding: space.lg,
    gap: space.xs,
    borderWidth: 1,
    borderColor: colors.border,
    flex: 1,
  },
  category: { fontSize: 12, letterSpacing: 1, color: colors.primary, fontWeight: '700' },
  title: { fontSize: font.large, fontWeight: '700', color: colors.text },
  meta: { fontSize: font.small, color: colors.muted },
  footer: { marginTop: space.sm, flexDirection: 'row' },
  price: { fontSize: font.body, fontWeight: '700', color: colors.text },
});
