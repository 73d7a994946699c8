import { forwardRef } from 'react';
import { StyleSheet, Text, TextInput, View, type TextInputProps } from 'react-native';
import { colors, font, radius, space } from './theme';

export interface TextFieldProps extends Omit<TextInputProps, 'style'> {
  label: string;
  /** The server's or the form's message for this field, shown beside it and read out with it. */
  error?: string | undefined;
  help?: string;
}

/** A labelled input: the label is visible and is the input's accessible name; its error is said in words. */
export const TextField = forwardRef<TextInput, TextFieldProps>(function TextField({ label, error, help, ...input }, ref) {
  const description = error ? `${label}: ${error}` : help;
  return (
    <View style={styles.field}>
      <Text style={styles.label}>{label}</Text>
      <TextInput
        ref={ref}
        aria-label={label}
        aria-invalid={!!error}
        accessibilityHint={description}
        placeholderTextColor={colors.muted}
        style={[styles.input, error ? styles.inputError : null]}
        {...input}
      />
      {error ? (
        <Text style={styles.error} role="alert">
          {error}
        </Text>
      ) : help ? (
        <Text style={styles.help}>{help}</Text>
      ) : null}
    </View>
  );
});

const styles = StyleSheet.create({
  field: { gap: space.xs },
  label: { fontSize: font.small, fontWeight: '600', color: colors.text },
  input: {
    minHeight: 48,
    borderWidth: 1,
    borderColor: colors.border,
    borderRadius: radius.md,
    paddingHorizontal: space.md,
    paddingVertical: space.sm,
    fontSize: font.body,
    color: colors.text,
    backgroundColor: colors.surface,
  },
  inputError: { borderColor: colors.danger, borderWidth: 2 },
  error: { color: colors.danger, fontSize: font.small },
  help: { color: colors.muted, fontSize: font.small },
});
