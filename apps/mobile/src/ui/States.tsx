import { ActivityIndicator, StyleSheet, Text, View } from 'react-native';
import { describeError } from '@/api/errors';
import { Button } from './Button';
import { colors, font, radius, space } from './theme';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <View style={styles.center} role="progressbar" aria-label={label} aria-busy>
      <ActivityIndicator size="large" color={colors.primary} />
      <Text style={styles.muted}>{label}</Text>
    </View>
  );
}

/** Any failed load, in words, with a way to try again. */
export function ErrorState({ error, onRetry, title = 'This did not load' }: { error: unknown; onRetry?: () => void; title?: string }) {
  return (
    <View style={styles.center} role="alert">
      <Text style={styles.title}>{title}</Text>
      <Text style={styles.body}>{describeError(error)}</Text>
      {onRetry ? <Button label="Try again" variant="secondary" onPress={onRetry} /> : null}
    </View>
  );
}

export function EmptyState({ title, body, action }: { title: string; body?: string; action?: { label: string; onPress: () => void } }) {
  return (
    <View style={styles.center}>
      <Text style={styles.title}>{title}</Text>
      {body ? <Text style={styles.body}>{body}</Text> : null}
      {action ? <Button label={action.label} variant="secondary" onPress={action.onPress} /> : null}
    </View>
  );
}

export type NoticeTone = 'info' | 'success' | 'warning' | 'danger';

/** A line of news inside a screen: an error after a press, "you're offline", a hold about to run out. */
export function Notice({ tone = 'info', children, testID }: { tone?: NoticeTone; children: string; testID?: string }) {
  return (
    <View style={[styles.notice, noticeStyles[tone]]} role={tone === 'danger' || tone === 'warning' ? 'alert' : 'status'} testID={testID}>
      <Text style={[styles.noticeText, { color: noticeText[tone] }]}>{children}</Text>
    </View>
  );
}

const noticeText = { info: colors.primary, success: colors.success, warning: colors.warning, danger: colors.danger } as const;

const styles = StyleSheet.create({
  center: { flexGrow: 1, alignItems: 'center', justifyContent: 'center', padding: space.xl, gap: space.md },
  title: { fontSize: font.large, fontWeight: '700', color: colors.text, textAlign: 'center' },
  body: { fontSize: font.body, color: colors.muted, textAlign: 'center', maxWidth: 420 },
  muted: { color: colors.muted, fontSize: font.body },
  notice: { borderRadius: radius.md, padding: space.md },
  noticeText: { fontSize: font.body },
});

const noticeStyles = StyleSheet.create({
  info: { backgroundColor: colors.primarySoft },
  success: { backgroundColor: colors.successSoft },
  warning: { backgroundColor: colors.warningSoft },
  danger: { backgroundColor: colors.dangerSoft },
});
