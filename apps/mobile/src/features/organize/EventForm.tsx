import { useState } from 'react';
import { ScrollView, StyleSheet, Text, View } from 'react-native';
import { CATEGORIES, CATEGORY_LABELS } from '@/features/events/categories';
import { Button } from '@/ui/Button';
import { Card, SectionTitle } from '@/ui/Card';
import { Chip } from '@/ui/Chip';
import { FormError } from '@/ui/FormError';
import { TextField } from '@/ui/TextField';
import { colors, font, space } from '@/ui/theme';
import { emptyTier, type EventDraft, type TierDraft } from './event-draft';

export interface EventFormProps {
  initial: EventDraft;
  submitLabel: string;
  busy: boolean;
  /** Errors by the server's field names (`title`, `venue.city`, `tiers.0.price`, `startsAt`). */
  fieldErrors: Record<string, string>;
  error: unknown;
  onSubmit: (draft: EventDraft) => void;
}

/** Create or edit an event: what, where, when on the venue's clock, and its ticket tiers. */
export function EventForm({ initial, submitLabel, busy, fieldErrors, error, onSubmit }: EventFormProps) {
  const [draft, setDraft] = useState(initial);
  const set = (patch: Partial<EventDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const setVenue = (patch: Partial<EventDraft['venue']>) => setDraft((d) => ({ ...d, venue: { ...d.venue, ...patch } }));
  const setTier = (i: number, patch: Partial<TierDraft>) =>
    setDraft((d) => ({ ...d, tiers: d.tiers.map((t, j) => (j === i ? { ...t, ...patch } : t)) }));
  const e = (field: string) => fieldErrors[field];

  return (
    <View style={styles.form}>
      <SectionTitle>About</SectionTitle>
      <TextField label="Title" value={draft.title} onChangeText={(title) => set({ title })} error={e('title')} />
      <TextField
        label="Description"
        value={draft.description}
        onChangeText={(description) => set({ description })}
        error={e('description')}
        multiline
        numberOfLines={4}
      />
      <Text style={styles.label} nativeID="category-field">
        Category
      </Text>
      <ScrollView
        horizontal
        contentContainerStyle={styles.chips}
        role="radiogroup"
        aria-labelledby="category-field"
        showsHorizontalScrollIndicator={false}
      >
        {CATEGORIES.map((category) => (
          <Chip key={category} label={CATEGORY_LABELS[category]} selected={draft.category === category} onPress={() => set({ category })} />
        ))}
      </ScrollView>

      <SectionTitle>Where</SectionTitle>
      <TextField label="Venue" value={draft.venue.name} onChangeText={(name) => setVenue({ name })} error={e('venue.name')} />
      <TextField label="Address" value={draft.venue.address} onChangeText={(address) => setVenue({ address })} error={e('venue.address')} />
      <View style={styles.row}>
        <View style={styles.grow}>
          <TextField label="City" value={draft.venue.city} onChangeText={(city) => setVenue({ city })} error={e('venue.city')} />
        </View>
        <View style={styles.narrow}>
          <TextField
            label="Country code"
            value={draft.venue.country}
            onChangeText={(country) => setVenue({ country })}
            error={e('venue.country')}
            autoCapitalize="characters"
            maxLength={2}
            placeholder="DE"
            help="2 letters"
          />
        </View>
      </View>

      <SectionTitle>When (on the venue's clock)</SectionTitle>
      <Text style={styles.help}>Days as YYYY-MM-DD, times as HH:MM on a 24-hour clock.</Text>
      <TextField
        label="Time zone"
        value={draft.timeZone}
        onChangeText={(timeZone) => set({ timeZone })}
        error={e('timeZone')}
        autoCapitalize="none"
        help="Such as Europe/Berlin or America/New_York."
      />
      <View style={styles.row}>
        <View style={styles.grow}>
          <TextField
            label="Starts on"
            value={draft.startDate}
            onChangeText={(startDate) => set({ startDate })}
            error={e('startsAt')}
            placeholder="2027-05-01"
            inputMode="numeric"
          />
        </View>
        <View style={styles.narrow}>
          <TextField
            label="Start time"
            value={draft.startTime}
            onChangeText={(startTime) => set({ startTime })}
            placeholder="19:30"
            inputMode="numeric"
          />
        </View>
      </View>
      <View style={styles.row}>
        <View style={styles.grow}>
          <TextField
            label="Ends on"
            value={draft.endDate}
            onChangeText={(endDate) => set({ endDate })}
            error={e('endsAt')}
            placeholder="Same day"
            inputMode="numeric"
          />
        </View>
        <View style={styles.narrow}>
          <TextField
            label="End time"
            value={draft.endTime}
            onChangeText={(endTime) => set({ endTime })}
            placeholder="23:00"
            inputMode="numeric"
          />
        </View>
      </View>

      <SectionTitle>Tickets</SectionTitle>
      {e('tiers') ? <Text style={styles.error}>{e('tiers')}</Text> : null}
      {draft.tiers.map((tier, i) => (
        <Card key={tier.id ?? `new-${i}`}>
          <TextField
            label={`Tier ${i + 1} name`}
            value={tier.name}
            onChangeText={(name) => setTier(i, { name })}
            error={e(`tiers.${i}.name`)}
          />
          <TextField
            label={`Tier ${i + 1} description (optional)`}
            value={tier.description}
            onChangeText={(description) => setTier(i, { description })}
            error={e(`tiers.${i}.description`)}
          />
          <View style={styles.row}>
            <View style={styles.grow}>
              <TextField
                label={`Tier ${i + 1} price`}
                value={tier.price}
                onChangeText={(price) => setTier(i, { price })}
                error={e(`tiers.${i}.price`)}
                inputMode="decimal"
                placeholder="25.00"
              />
            </View>
            <View style={styles.narrow}>
              <TextField
                label={`Tier ${i + 1} currency`}
                value={tier.currency}
                onChangeText={(currency) => setTier(i, { currency })}
                error={e(`tiers.${i}.currency`)}
                autoCapitalize="characters"
                maxLength={3}
              />
            </View>
          </View>
          <View style={styles.row}>
            <View style={styles.grow}>
              <TextField
                label={`Tier ${i + 1} tickets`}
                value={tier.capacity}
                onChangeText={(capacity) => setTier(i, { capacity })}
                error={e(`tiers.${i}.capacity`)}
                inputMode="numeric"
              />
            </View>
            <View style={styles.grow}>
              <TextField
                label={`Tier ${i + 1} most per order`}
                value={tier.maxPerOrder}
                onChangeText={(maxPerOrder) => setTier(i, { maxPerOrder })}
                error={e(`tiers.${i}.maxPerOrder`)}
                inputMode="numeric"
              />
            </View>
          </View>
          <TextField
            label={`Tier ${i + 1} sales open (YYYY-MM-DD HH:MM, optional)`}
            value={tier.salesStart}
            onChangeText={(salesStart) => setTier(i, { salesStart })}
            error={e(`tiers.${i}.salesStart`)}
          />
          <TextField
            label={`Tier ${i + 1} sales close (YYYY-MM-DD HH:MM, optional)`}
            value={tier.salesEnd}
            onChangeText={(salesEnd) => setTier(i, { salesEnd })}
            error={e(`tiers.${i}.salesEnd`)}
          />
          {draft.tiers.length > 1 && !tier.id ? (
            <Button label={`Remove tier ${i + 1}`} variant="ghost" onPress={() => set({ tiers: draft.tiers.filter((_, j) => j !== i) })} />
          ) : null}
        </Card>
      ))}
      <Button
        label="Add a tier"
        variant="secondary"
        onPress={() => set({ tiers: [...draft.tiers, emptyTier(draft.tiers[0]?.currency || 'EUR')] })}
      />
      <FormError error={error} />
      {Object.keys(fieldErrors).length ? (
        <Text style={styles.error} role="alert">
          Some fields need a second look: see the messages above.
        </Text>
      ) : null}
      <Button label={submitLabel} onPress={() => onSubmit(draft)} busy={busy} testID="save-event" />
    </View>
  );
}

const styles = StyleSheet.create({
  form: { gap: space.md },
  label: { fontSize: font.small, fontWeight: '600', color: colors.text },
  chips: { gap: space.sm, paddingVertical: 2 },
  row: { flexDirection: 'row', gap: space.md, flexWrap: 'wrap' },
  grow: { flexGrow: 1, flexBasis: 160 },
  narrow: { flexBasis: 110, flexGrow: 0 },
  error: { color: colors.danger, fontSize: font.small },
  help: { color: colors.muted, fontSize: font.small },
});
