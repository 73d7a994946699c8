import { useRouter, type Href } from 'expo-router';
import { Pressable, StyleSheet, Text, View } from 'react-native';
import type { Notification } from '@eventify/contracts';
import { describeError } from '@/api/errors';
import { Button } from '@/ui/Button';
import { formatMoment } from '@/ui/format';
import { ListHeading } from '@/ui/LinkRow';
import { PagedList } from '@/ui/PagedList';
import { EmptyState, Notice } from '@/ui/States';
import { colors, font, radius, space } from '@/ui/theme';
import { targetOf, useInbox, useMarkAllRead, useMarkRead } from './api';

function NotificationRow({ notification, onOpen }: { notification: Notification; onOpen: () => void }) {
  const unread = !notification.readAt;
  return (
    <Pressable
      role="button"
      aria-label={`${unread ? 'Unread: ' : ''}${notification.title}. ${notification.body}`}
      onPress={onOpen}
      style={({ pressed }) => [styles.row, unread && styles.unread, pressed && { opacity: 0.85 }]}
      testID="notification"
    >
      {unread ? <View style={styles.dot} /> : null}
      <View style={styles.rowText}>
        <Text style={[styles.title, unread && styles.bold]}>{notification.title}</Text>
        <Text style={styles.body}>{notification.body}</Text>
        <Text style={styles.time}>{formatMoment(notification.createdAt)}</Text>
      </View>
    </Pressable>
  );
}

/** The in-app inbox: newest first; opening one marks it read and goes to what it is about. */
export function InboxScreen() {
  const router = useRouter();
  const inbox = useInbox();
  const markRead = useMarkRead();
  const markAll = useMarkAllRead();
  const unread = inbox.data?.pages[0]?.unreadCount ?? 0;

  const open = (notification: Notification) => {
    if (!notification.readAt) markRead.mutate(notification.id);
    const target = targetOf(notification);
    if (target) router.push(target as Href);
  };

  return (
    <PagedList
      query={inbox}
      keyOf={(n) => n.id}
      renderItem={(notification) => <NotificationRow notification={notification} onOpen={() => open(notification)} />}
      loadingLabel="Loading your notifications…"
      errorTitle="Your notifications did not load"
      header={
        <View style={styles.header}>
          <ListHeading>Inbox</ListHeading>
          {unread > 0 ? (
            <Button label={`Mark all ${unread} read`} variant="ghost" onPress={() => markAll.mutate()} busy={markAll.isPending} />
          ) : null}
          {(markAll.error ?? markRead.error) ? <Notice tone="danger">{describeError(markAll.error ?? markRead.error)}</Notice> : null}
        </View>
      }
      empty={<EmptyState title="Nothing new" body="News about your bookings, payments and tickets shows up here." />}
    />
  );
}

const styles = StyleSheet.create({
  header: { gap: space.sm, marginBottom: space.sm },
  row: {
    flexDirection: 'row',
    gap: space.md,
    backgroundColor: colors.surface,
    padding: space.lg,
    borderRadius: radius.lg,
    borderWidth: 1,
    borderColor: colors.border,
  },
  unread: { borderColor: colors.primary },
  dot: { width: 10, height: 10, borderRadius: 5, backgroundColor: colors.primary, marginTop: 6 },
  rowText: { flex: 1, gap: 2 },
  title: { fontSize: font.body, color: colors.text },
  bold: { fontWeight: '700' },
  body: { fontSize: font.small, color: colors.muted },
  time: { fontSize: 12, color: colors.muted },
});
