import { useRouter } from 'expo-router';
import { useState } from 'react';
import { ScrollView, StyleSheet, View } from 'react-native';
import type { EventStatus, OwnedEvent } from '@eventify/contracts';
import { Button } from '@/ui/Button';
import { Badge } from '@/ui/Card';
import { Chip } from '@/ui/Chip';
import { formatEventDate } from '@/ui/format';
import { LinkRow } from '@/ui/LinkRow';
import { PagedList } from '@/ui/PagedList';
import { EmptyState } from '@/ui/States';
import { space } from '@/ui/theme';
import { STATUS_LABELS, useMyEvents } from './api';

const TONES: Record<EventStatus, 'neutral' | 'warning' | 'danger' | 'success'> = {
  draft: 'neutral',
  pending_review: 'warning',
  rejected: 'danger',
  published: 'success',
  cancelled: 'neutral',
};

function EventRow({ event }: { event: OwnedEvent }) {
  return (
    <LinkRow
      href={`/organize/${event.id}`}
      label={`${event.title}, ${STATUS_LABELS[event.status]}`}
      title={event.title}
      details={[`${formatEventDate(event.startsAt, event.timeZone)} · ${event.venue.city}`]}
      warning={event.status === 'rejected' && event.rejection ? `Sent back: ${event.rejection.reason}` : null}
      aside={<Badge label={STATUS_LABELS[event.status]} tone={TONES[event.status]} />}
      testID="my-event"
    />
  );
}

/** The organizer's events, by state: drafts, in review, sent back with the reviewer's reason, published, cancelled. */
export function MyEventsScreen() {
  const router = useRouter();
  const mine = useMyEvents();
  const [status, setStatus] = useState<EventStatus | null>(null);
  const all = mine.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <PagedList
      query={mine}
      keyOf={(e) => e.id}
      renderItem={(event) => <EventRow event={event} />}
      filter={status ? (e) => e.status === status : undefined}
      loadingLabel="Loading your events…"
      errorTitle="Your events did not load"
      header={
        <View style={styles.header}>
          <Button label="Create an event" onPress={() => router.push('/organize/new')} testID="new-event" />
          <ScrollView
            horizontal
            contentContainerStyle={styles.chips}
            role="radiogroup"
            aria-label="Show events"
            showsHorizontalScrollIndicator={false}
          >
            <Chip label={`All (${all.length})`} selected={status === null} onPress={() => setStatus(null)} />
            {(Object.keys(STATUS_LABELS) as EventStatus[]).map((s) => (
              <Chip
                key={s}
                label={`${STATUS_LABELS[s]} (${all.filter((e) => e.status === s).length})`}
                selected={status === s}
                onPress={() => setStatus(s)}
              />
            ))}
          </ScrollView>
        </View>
      }
      empty={
        <EmptyState
          title={status ? `No events ${STATUS_LABELS[status].toLowerCase()}` : 'No events yet'}
          body="Create one: it starts as a draft only you can see."
        />
      }
    />
  );
}

const styles = StyleSheet.create({
  header: { gap: space.md, marginBottom: space.sm },
  chips: { gap: space.sm },
});
