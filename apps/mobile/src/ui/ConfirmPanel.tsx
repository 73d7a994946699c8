import type { ReactNode } from 'react';
import { StyleSheet, Text, View } from 'react-native';
import { Button } from './Button';
import { FormError } from './FormError';
import { colors, font, radius, space } from './theme';

/** "Are you sure?" inline (no native alert, which browsers render poorly): what will happen, then confirm or keep. */
export function ConfirmPanel(props: {
  title: string;
  body: string;
  confirmLabel: string;
  /** What a screen reader says for the confirm button, when its label alone is ambiguous. */
  confirmAccessibilityLabel?: string;
  keepLabel: string;
  busy: boolean;
  error: unknown;
  onConfirm: () => void;
  onKeep: () => void;
  children?: ReactNode;
}) {
  return (
    <View style={styles.panel} role="alert">
      <Text style={styles.title}>{props.title}</Text>
      <Text style={styles.body}>{props.body}</Text>
      {props.children}
      <FormError error={props.error} />
      <View style={styles.actions}>
        <Button label={props.keepLabel} variant="secondary" onPress={props.onKeep} style={styles.action} />
        <Button
          label={props.confirmLabel}
          accessibilityLabel={props.confirmAccessibilityLabel}
          variant="danger"
          busy={props.busy}
          onPress={props.onConfirm}
          style={styles.action}
        />
      </View>
    </View>
  );
}

const styles = StyleSheet.create({
  panel: {
    borderWidth: 1,
    borderColor: colors.danger,
    borderRadius: radius.md,
    padding: space.lg,
    gap: space.md,
    backgroundColor: colors.surface,
  },
  title: { fontSize: font.large, fontWeight: '700', color: colors.text },
  body: { fontSize: font.body, color: colors.text },
  actions: { flexDirection: 'row', gap: space.md, flexWrap: 'wrap' },
  action: { flexGrow: 1 },
});
