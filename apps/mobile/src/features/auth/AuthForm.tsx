import { Link, type Href } from 'expo-router';
import type { ReactNode } from 'react';
import { KeyboardAvoidingView, Platform, StyleSheet, Text, View } from 'react-native';
import { Screen } from '@/ui/Screen';
import { colors, font, space } from '@/ui/theme';

/** The frame of the sign-in, sign-up and password screens: a title, the form, and links to the others (which
 * replace this screen, so "back" leads to where the person came from, not through every form). */
export function AuthForm({
  title,
  intro,
  children,
  links,
}: {
  title: string;
  intro?: string;
  children: ReactNode;
  links: { href: Href; label: string }[];
}) {
  return (
    <KeyboardAvoidingView style={styles.fill} behavior={Platform.OS === 'ios' ? 'padding' : undefined}>
      <Screen>
        <View style={styles.form}>
          <Text style={styles.title} role="heading" aria-level={1}>
            {title}
          </Text>
          {intro ? <Text style={styles.intro}>{intro}</Text> : null}
          {children}
          <View style={styles.links}>
            {links.map((link) => (
              <Link key={link.label} href={link.href} replace style={styles.link} role="link">
                {link.label}
              </Link>
            ))}
          </View>
        </View>
      </Screen>
    </KeyboardAvoidingView>
  );
}

const styles = StyleSheet.create({
  fill: { flex: 1 },
  form: { gap: space.lg, width: '100%', maxWidth: 440, alignSelf: 'center', paddingTop: space.xl },
  title: { fontSize: font.hero, fontWeight: '800', color: colors.text },
  intro: { fontSize: font.body, color: colors.muted },
  links: { gap: space.md, alignItems: 'flex-start' },
  link: { color: colors.primary, fontSize: font.body, textDecorationLine: 'underline', paddingVertical: space.xs },
});
