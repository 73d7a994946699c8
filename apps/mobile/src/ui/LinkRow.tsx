import { Link, type Href } from 'expo-router';
import type { ReactNode } from 'react';
import { Pressable, StyleSheet, Text, View } from 'react-native';
import { colors, font, radius, space } from './theme';

/**
 * One row of a list that opens something: a real link (an `<a href>` in a browser, so it opens in a new tab too),
 * named for screen readers by `label`, with a title, lines of detail, and something on the right (a badge).
 */
export function LinkRow(props: {
  href: Href;
  label: string;
  title: string;
  details: (string | null)[];
  warning?: string | null;
  aside?: ReactNode;
  testID?: string;
}) {
  const { href, label, title, details, warning, aside, testID } = props;
  return (
    <Link href={href} asChild>
      <Pressable role="link" aria-label={label} style={styles.row} testID={testID}>
        <View style={styles.text}>
          <Text style={styles.title}>{title}</Text>
          {details
            .filter((d): d is string => !!d)
            .map((detail) => (
              <Text key={detail} style={styles.detail}>
                {detail}
              </Text>
            ))}
          {warning ? <Text style={styles.warning}>{warning}</Text> : null}
        </View>
        {aside}
      </Pressable>
    </Link>
  );
}

/** The words under a list's title, when it is the screen's heading. */
export function ListHeading({ children }: { children: string }) {
  return (
    <Text style={styles.heading} role="heading" aria-level={1}>
      {children}
    </Text>
  );
}

const styles = StyleSheet.create({
  row: {
    flexDirection: 'row',
    alignItems: 'center',
    gap: space.md,
    backgroundColor: colors.surface,
    padding: space.lg,
    borderRadius: radius.lg,
    borderWidth: 1,
    borderColor: colors.border,
  },
  text: { flex: 1, gap: 2 },
  title: { fontSize: font.body, fontWeight: '700', color: colors.text },
  detail: { fontSize: font.small, color: colors.muted },
  warning: { fontSize: font.small, color: colors.danger },
  heading: { fontSize: font.hero, fontWeight: '800', color: colors.text, marginBottom: space.sm },
});
