import { useEffect } from 'react';
import { StyleSheet, Text, View } from 'react-native';
import { useNow } from '@/hooks/useNow';
import { formatCountdown } from '@/ui/format';
import { colors, font, radius, space } from '@/ui/theme';

/** How long the seats stay held, live; says so when the hold has run out. */
export function HoldCountdown({ expiresAt, onExpired }: { expiresAt: string; onExpired?: () => void }) {
  const now = useNow();
  const left = (Date.parse(expiresAt) - now.getTime()) / 1000;
  const over = left <= 0;
  useEffect(() => {
    if (over) onExpired?.();
  }, [over, onExpired]);
  if (over) {
    return (
      <View style={[styles.box, styles.expired]} role="alert" testID="hold-expired">
        <Text style={[styles.text, { color: colors.danger }]}>
          Your hold ran out and the seats went back on sale. Book again to get tickets.
        </Text>
      </View>
    );
  }
  const urgent = left < 120;
  return (
    <View style={[styles.box, urgent ? styles.urgent : styles.calm]} testID="hold-countdown">
      <Text style={styles.text} aria-live={urgent ? 'assertive' : 'off'}>
        Seats held for you: <Text style={styles.time}>{formatCountdown(left)}</Text>
      </Text>
      <Text style={styles.hint}>Pay before the time runs out, or the seats go back on sale.</Text>
    </View>
  );
}

const styles = StyleSheet.create({
  box: { borderRadius: radius.md, padding: space.md, gap: 2 },
  calm: { backgroundColor: colors.primarySoft },
  urgent: { backgroundColor: colors.warningSoft },
  expired: { backgroundColor: colors.dangerSoft },
  text: { fontSize: font.body, color: colors.text },
  time: { fontWeight: '800', fontVariant: ['tabular-nums'] },
  hint: { fontSize: font.small, color: colors.muted },
});
