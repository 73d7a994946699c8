import { Link, type Href } from 'expo-router';
import { Pressable, StyleSheet, Text, View } from 'react-native';
import type { Role } from '@eventify/contracts';
import { useSession } from '@/features/auth/session';
import { Screen } from '@/ui/Screen';
import { colors, font, radius, space } from '@/ui/theme';
import { useCanScan } from './useManageAccess';

function Entry({ href, title, body }: { href: Href; title: string; body: string }) {
  return (
    <Link href={href} asChild>
      <Pressable role="link" aria-label={`${title}: ${body}`} style={styles.entry}>
        <Text style={styles.title}>{title}</Text>
        <Text style={styles.body}>{body}</Text>
      </Pressable>
    </Link>
  );
}

/** Everything beyond buying tickets, by what the person may do: organize, scan at the door, review and manage people. */
export function ManageScreen() {
  const { user } = useSession();
  const has = (role: Role) => user?.roles.includes(role) ?? false;
  const canScan = useCanScan();
  return (
    <Screen>
      <Text style={styles.heading} role="heading" aria-level={1}>
        Manage
      </Text>
      {has('organizer') || has('admin') ? (
        <View style={styles.group}>
          <Entry href="/organize" title="Your events" body="Drafts, reviews, sales, door staff and refunds." />
          <Entry href="/organize/new" title="Create an event" body="With its ticket tiers; it goes on sale after review." />
        </View>
      ) : null}
      {canScan ? (
        <View style={styles.group}>
          <Entry href="/door" title="Scan tickets" body="At the door of the events you staff; works without a network." />
        </View>
      ) : null}
      {has('admin') ? (
        <View style={styles.group}>
          <Entry href="/admin/reviews" title="Review queue" body="Approve submitted events, or send them back with a reason." />
          <Entry href="/admin/users" title="People and roles" body="Find anyone and change what they may do." />
        </View>
      ) : null}
    </Screen>
  );
}

const styles = StyleSheet.create({
  heading: { fontSize: font.hero, fontWeight: '800', color: colors.text },
  group: { gap: space.md },
  entry: {
    backgroundColor: colors.surface,
    padding: space.lg,
    borderRadius: radius.lg,
    borderWidth: 1,
    borderColor: colors.border,
    gap: 2,
  },
  title: { fontSize: font.large, fontWeight: '700', color: colors.primary },
  body: { fontSize: font.small, color: colors.muted },
});
