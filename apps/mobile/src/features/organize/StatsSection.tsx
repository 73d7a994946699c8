import { useIsFocused } from 'expo-router';
import { StyleSheet, Text, View } from 'react-native';
import { Card } from '@/ui/Card';
import { formatMoment } from '@/ui/format';
import { ErrorState, Loading, Notice } from '@/ui/States';
import { colors, font, space } from '@/ui/theme';
import { useEntryStats } from './api';

function Line({ label, value }: { label: string; value: string }) {
  return (
    <View style={styles.line}>
      <Text style={styles.label}>{label}</Text>
      <Text style={styles.value}>{value}</Text>
    </View>
  );
}

/** Sold and checked in, by tier and by gate, refreshing by itself while this screen is open. */
export function StatsSection({ eventId }: { eventId: string }) {
  const focused = useIsFocused();
  const stats = useEntryStats(eventId, focused);
  if (stats.isPending) return <Loading label="Loading sales and check-ins…" />;
  if (stats.isError)
    return <ErrorState error={stats.error} onRetry={() => void stats.refetch()} title="Sales and check-ins did not load" />;
  const { sold, checkedIn, byTier, byGate, conflicts } = stats.data;
  return (
    <Card testID="entry-stats">
      <Text style={styles.big} aria-live="polite">
        {checkedIn} of {sold} checked in
      </Text>
      {byTier.map((tier) => (
        <Line key={tier.tierId} label={tier.tierName} value={`${tier.checkedIn} in · ${tier.sold} sold`} />
      ))}
      {byGate.length ? <Text style={styles.heading}>By gate</Text> : null}
      {byGate.map((gate) => (
        <Line key={gate.gate} label={gate.gate} value={`${gate.checkedIn} in`} />
      ))}
      {conflicts.length ? (
        <Notice tone="warning" testID="conflicts">
          {`${conflicts.length} ticket${conflicts.length === 1 ? ' was' : 's were'} admitted twice while scanners were offline: ` +
            conflicts.map((c) => `at ${c.gate} ${formatMoment(c.at)} after ${c.firstGate} ${formatMoment(c.firstAt)}`).join('; ')}
        </Notice>
      ) : null}
      <Text style={styles.muted}>Updates every few seconds.</Text>
    </Card>
  );
}

const styles = StyleSheet.create({
  big: { fontSize: font.title, fontWeight: '800', color: colors.text },
  heading: { fontSize: font.body, fontWeight: '700', color: colors.text, marginTop: space.sm },
  line: { flexDirection: 'row', justifyContent: 'space-between', gap: space.md },
  label: { fontSize: font.body, color: colors.text },
  value: { fontSize: font.body, color: colors.text, fontVariant: ['tabular-nums'] },
  muted: { fontSize: font.small, color: colors.muted },
});
