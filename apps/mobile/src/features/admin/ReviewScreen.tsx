import { Stack, useLocalSearchParams } from 'expo-router';
import { useState } from 'react';
import { StyleSheet, Text, View } from 'react-native';
import type { Review } from '@eventify/contracts';
import { EventSummary } from '@/features/events/EventSummary';
import { Button } from '@/ui/Button';
import { Card, SectionTitle } from '@/ui/Card';
import { FormError, fieldErrorsOf } from '@/ui/FormError';
import { formatMoney, formatMoment } from '@/ui/format';
import { Screen } from '@/ui/Screen';
import { ErrorState, Loading, Notice } from '@/ui/States';
import { TextField } from '@/ui/TextField';
import { colors, font, space } from '@/ui/theme';
import { useDecide, useReview } from './api';
import { previewOf } from './review-preview';

export function ReviewScreen() {
  const { id } = useLocalSearchParams<{ id: string }>();
  const review = useReview(id);
  if (review.isPending) return <Loading label="Loading the submission…" />;
  if (review.isError) return <ErrorState error={review.error} onRetry={() => void review.refetch()} title="The submission did not load" />;
  return <Decide review={review.data} />;
}

/** The event as attendees will see it, then approve, or send it back with a reason the organizer reads. */
function Decide({ review }: { review: Review }) {
  const { approve, reject } = useDecide(review.id);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const { content, tiers } = previewOf(review);
  return (
    <Screen>
      <Stack.Screen options={{ title: `Review: ${content.title}`, headerTitle: 'Review' }} />
      <Notice>{`Preview as attendees will see it. Submitted ${formatMoment(review.submittedAt)}.`}</Notice>
      <EventSummary event={content} />
      <SectionTitle>Tickets</SectionTitle>
      <Card>
        {tiers.map((tier) => (
          <Text key={tier.name} style={styles.tier}>
            {tier.name}: {tier.price === 0 ? 'Free' : formatMoney(tier.price, tier.currency)} · {tier.capacity} tickets
          </Text>
        ))}
      </Card>
      {review.status !== 'pending' ? (
        <Notice tone={review.status === 'approved' ? 'success' : 'warning'} testID="decision">
          {review.status === 'approved' ? 'Approved: the event is on sale.' : `Sent back: ${review.reason ?? ''}`}
        </Notice>
      ) : rejecting ? (
        <View style={styles.decision}>
          <TextField
            label="Why it goes back to the organizer"
            value={reason}
            onChangeText={setReason}
            error={fieldErrorsOf(reject.error).reason}
            multiline
            help="The organizer reads this and can edit and resubmit."
          />
          <FormError error={reject.error} />
          <View style={styles.row}>
            <Button label="Back" variant="secondary" onPress={() => setRejecting(false)} style={styles.grow} />
            <Button
              label="Send back"
              variant="danger"
              busy={reject.isPending}
              disabled={!reason.trim()}
              onPress={() => reject.mutate(reason.trim())}
              style={styles.grow}
            />
          </View>
        </View>
      ) : (
        <View style={styles.decision}>
          <FormError error={approve.error} />
          <Button label="Approve and publish" busy={approve.isPending} onPress={() => approve.mutate()} testID="approve" />
          <Button label="Send back with a reason…" variant="secondary" onPress={() => setRejecting(true)} />
        </View>
      )}
    </Screen>
  );
}

const styles = StyleSheet.create({
  tier: { fontSize: font.body, color: colors.text },
  decision: { gap: space.md },
  row: { flexDirection: 'row', gap: space.md, flexWrap: 'wrap' },
  grow: { flexGrow: 1 },
});
