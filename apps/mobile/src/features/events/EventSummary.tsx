import { StyleSheet, Text, View } from 'react-native';
import type { PublicEvent } from '@eventify/contracts';
import { Badge, Card } from '@/ui/Card';
import { formatEventDate } from '@/ui/format';
import { colors, font, space } from '@/ui/theme';

export type EventContent = Pick<PublicEvent, 'title' | 'description' | 'category' | 'venue' | 'startsAt' | 'endsAt' | 'timeZone'>;

/** What attendees read about an event: category, title, when (venue's clock), where, description. */
export function EventSummary({ event, badge }: { event: EventContent; badge?: string | null }) {
  return (
    <>
      <View style={styles.heading}>
        <Text style={styles.category}>{event.category.toUpperCase()}</Text>
        <Text style={styles.title} role="heading" aria-level={1}>
          {event.title}
        </Text>
        {badge ? <Badge label={badge} tone="danger" /> : null}
      </View>
      <Card>
        <Text style={styles.label}>When</Text>
        <Text style={styles.value}>{formatEventDate(event.startsAt, event.timeZone)}</Text>
        <Text style={styles.muted}>until {formatEventDate(event.endsAt, event.timeZone)}</Text>
        <Text style={[styles.label, styles.spaced]}>Where</Text>
        <Text style={styles.value}>{event.venue.name}</Text>
        <Text style={styles.muted}>
          {event.venue.address}, {event.venue.city}, {event.venue.country}
        </Text>
      </Card>
      {event.description ? <Text style={styles.description}>{event.description}</Text> : null}
    </>
  );
}

const styles = StyleSheet.create({
  heading: { gap: space.xs },
  category: { fontSize: 12, letterSpacing: 1, color: colors.primary, fontWeight: '700' },
  title: { fontSize: font.hero, fontWeight: '800', color: colors.text },
  label: { fontSize: font.small, fontWeight: '700', color: colors.muted, textTransform: 'uppercase' },
  spaced: { marginTop: space.sm },
  value: { fontSize: font.body, color: colors.text, fontWeight: '600' },
  muted: { fontSize: font.small, color: colors.muted },
  description: { fontSize: font.body, lineHeight: 24, color: colors.text },
});
