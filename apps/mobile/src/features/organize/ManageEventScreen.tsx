import { Stack, useLocalSearchParams, useRouter } from 'expo-router';
import { useState } from 'react';
import { StyleSheet, Text, View } from 'react-native';
import type { OwnedEvent } from '@eventify/contracts';
import { Button } from '@/ui/Button';
import { Badge, Card, SectionTitle } from '@/ui/Card';
import { FormError } from '@/ui/FormError';
import { formatEventDate } from '@/ui/format';
import { Screen } from '@/ui/Screen';
import { ErrorState, Loading, Notice } from '@/ui/States';
import { TextField } from '@/ui/TextField';
import { colors, font, space } from '@/ui/theme';
import { STATUS_LABELS, useCancelEvent, useOwnedEvent, useSubmitEvent } from './api';
import { ConfirmPanel } from '@/ui/ConfirmPanel';
import { PaymentsSection } from './PaymentsSection';
import { StaffSection } from './StaffSection';
import { StatsSection } from './StatsSection';

/** One of the organizer's events: its state and what to do next, door staff, live sales and the door, refunds. */
export function ManageEventScreen() {
  const { id } = useLocalSearchParams<{ id: string }>();
  const event = useOwnedEvent(id);
  if (event.isPending) return <Loading label="Loading your event…" />;
  if (event.isError) return <ErrorState error={event.error} onRetry={() => void event.refetch()} title="Your event did not load" />;
  return <ManageEvent event={event.data} refreshing={event.isRefetching} onRefresh={() => void event.refetch()} />;
}

/** A reason someone typed, as a sentence: its own full stop (or ? or !) is kept, never doubled ("flooded.."). */
const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

function NextStep({ event }: { event: OwnedEvent }) {
  const router = useRouter();
  const submit = useSubmitEvent(event.id);
  const cancel = useCancelEvent(event.id);
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState('');
  const editable = event.status === 'draft' || event.status === 'rejected' || event.status === 'published';
  return (
    <View style={styles.actions}>
      {event.status === 'draft' ? <Notice>A draft only you can see. Submit it for review when it is ready.</Notice> : null}
      {event.status === 'pending_review' ? <Notice>An admin is reviewing it. You get a notification when they decide.</Notice> : null}
      {event.status === 'rejected' && event.rejection ? (
        <Notice tone="warning" testID="rejection">{`Sent back: ${sentence(event.rejection.reason)} Edit it and submit it again.`}</Notice>
      ) : null}
      {event.status === 'published' ? <Notice tone="success">On sale: anyone can find and book it.</Notice> : null}
      {event.status === 'cancelled' ? (
        <Notice tone="warning">{`Cancelled${event.cancellationReason ? `: ${sentence(event.cancellationReason)}` : '.'} Every paid booking was refunded.`}</Notice>
      ) : null}
      {editable ? (
        <Button label="Edit" variant="secondary" onPress={() => router.push(`/organize/${event.id}/edit`)} testID="edit-event" />
      ) : null}
      {event.status === 'draft' || event.status === 'rejected' ? (
        <>
          <FormError error={submit.error} />
          <Button label="Submit for review" busy={submit.isPending} onPress={() => submit.mutate(undefined)} testID="submit-event" />
        </>
      ) : null}
      {event.status === 'published' && !cancelling ? (
        <Button label="Cancel this event…" variant="ghost" onPress={() => setCancelling(true)} />
      ) : null}
      {cancelling ? (
        <ConfirmPanel
          title="Cancel this event?"
          body="Every booking is cancelled and every paid booking refunded in full; tickets stop working and everyone holding one is told. This cannot be undone."
          confirmLabel="Yes, cancel the event"
          keepLabel="Keep it on sale"
          busy={cancel.isPending}
          error={cancel.error}
          onKeep={() => setCancelling(false)}
          onConfirm={() => cancel.mutate(reason.trim(), { onSuccess: () => setCancelling(false) })}
        >
          <TextField label="Reason, told to ticket holders (optional)" value={reason} onChangeText={setReason} maxLength={500} />
        </ConfirmPanel>
      ) : null}
    </View>
  );
}

function ManageEvent({ event, refreshing, onRefresh }: { event: OwnedEvent; refreshing: boolean; onRefresh: () => void }) {
  const sells = event.status === 'published' || event.status === 'cancelled';
  return (
    <Screen refreshing={refreshing} onRefresh={onRefresh}>
      <Stack.Screen options={{ title: event.title, headerTitle: 'Your event' }} />
      <View style={styles.heading}>
        <Text style={styles.title} role="heading" aria-level={1}>
          {event.title}
        </Text>
        <Text style={styles.muted}>
          {formatEventDate(event.startsAt, event.timeZone)} · {event.venue.name}, {event.venue.city}
        </Text>
        <View testID="event-status" aria-label={`Status: ${STATUS_LABELS[event.status]}`}>
          <Badge
            label={STATUS_LABELS[event.status]}
            tone={event.status === 'published' ? 'success' : event.status === 'rejected' ? 'danger' : 'neutral'}
          />
        </View>
      </View>
      <NextStep event={event} />
      <SectionTitle>Tickets</SectionTitle>
      <Card>
        {event.tiers.map((tier) => (
          <Text key={tier.id} style={styles.tier}>
            {tier.name}: {tier.sold} of {tier.capacity} sold
          </Text>
        ))}
      </Card>
      {sells ? (
        <>
          <SectionTitle>Sales and the door</SectionTitle>
          <StatsSection eventId={event.id} />
        </>
      ) : null}
      {event.status !== 'cancelled' ? (
        <>
          <SectionTitle>Door staff</SectionTitle>
          <StaffSection eventId={event.id} />
        </>
      ) : null}
      {sells ? (
        <>
          <SectionTitle>Payments and refunds</SectionTitle>
          <PaymentsSection eventId={event.id} />
        </>
      ) : null}
    </Screen>
  );
}

const styles = StyleSheet.create({
  heading: { gap: space.xs },
  title: { fontSize: font.hero, fontWeight: '800', color: colors.text },
  muted: { fontSize: font.small, color: colors.muted },
  actions: { gap: space.md },
  tier: { fontSize: font.body, color: colors.text },
});
