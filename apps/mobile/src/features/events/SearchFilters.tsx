import { useState } from 'react';
import { Pressable, ScrollView, StyleSheet, Text, View } from 'react-native';
import type { EventCategory } from '@eventify/contracts';
import { Chip } from '@/ui/Chip';
import { TextField } from '@/ui/TextField';
import { colors, font, space } from '@/ui/theme';
import { CATEGORIES, CATEGORY_LABELS } from './categories';
import { DATE_RANGE_LABELS, DATE_RANGES, type CustomDays, type DateRange } from './date-ranges';

export interface FilterState {
  q: string;
  category: EventCategory | null;
  city: string;
  range: DateRange;
  custom: CustomDays;
}

export const NO_FILTERS: FilterState = { q: '', category: null, city: '', range: 'any', custom: { from: '', to: '' } };

export function SearchFilters({
  value,
  onChange,
  rangeError,
}: {
  value: FilterState;
  onChange: (next: FilterState) => void;
  rangeError?: string;
}) {
  const set = (patch: Partial<FilterState>) => onChange({ ...value, ...patch });
  const extra = (value.city.trim() ? 1 : 0) + (value.range !== 'any' ? 1 : 0);
  // City and dates fold away on a phone so the events start near the top; they stay open while in use.
  const [open, setOpen] = useState(extra > 0);
  return (
    <View style={styles.filters}>
      <TextField
        label="Search events"
        placeholder="Jazz, conference, comedy…"
        value={value.q}
        onChangeText={(q) => set({ q })}
        returnKeyType="search"
        autoCorrect={false}
        inputMode="search"
      />
      <Text style={styles.groupLabel} nativeID="category-label">
        Category
      </Text>
      <ScrollView
        horizontal
        showsHorizontalScrollIndicator={false}
        contentContainerStyle={styles.chips}
        role="radiogroup"
        aria-labelledby="category-label"
      >
        <Chip label="All" selected={value.category === null} onPress={() => set({ category: null })} />
        {CATEGORIES.map((category) => (
          <Chip key={category} label={CATEGORY_LABELS[category]} selected={value.category === category} onPress={() => set({ category })} />
        ))}
      </ScrollView>
      <Pressable
        role="button"
        aria-expanded={open}
        aria-label={open ? 'Fewer filters' : `More filters: city and dates${extra ? `, ${extra} set` : ''}`}
        onPress={() => setOpen(!open)}
        style={styles.toggle}
      >
        <Text style={styles.toggleText}>{open ? 'Fewer filters' : `City and dates${extra ? ` (${extra} set)` : ''}`}</Text>
      </Pressable>
      {open ? <MoreFilters value={value} set={set} rangeError={rangeError} /> : null}
    </View>
  );
}

function MoreFilters({
  value,
  set,
  rangeError,
}: {
  value: FilterState;
  set: (patch: Partial<FilterState>) => void;
  rangeError?: string | undefined;
}) {
  return (
    <View style={styles.filters}>
      <TextField
        label="City"
        placeholder="Any city"
        value={value.city}
        onChangeText={(city) => set({ city })}
        autoCorrect={false}
        autoComplete="address-line2"
      />
      <Text style={styles.groupLabel} nativeID="date-label">
        When
      </Text>
      <ScrollView
        horizontal
        showsHorizontalScrollIndicator={false}
        contentContainerStyle={styles.chips}
        role="radiogroup"
        aria-labelledby="date-label"
      >
        {DATE_RANGES.map((range) => (
          <Chip key={range} label={DATE_RANGE_LABELS[range]} selected={value.range === range} onPress={() => set({ range })} />
        ))}
      </ScrollView>
      {value.range === 'custom' ? (
        <View style={styles.row}>
          <View style={styles.half}>
            <TextField
              label="From (YYYY-MM-DD)"
              placeholder="2027-05-01"
              value={value.custom.from}
              inputMode="numeric"
              onChangeText={(from) => set({ custom: { ...value.custom, from } })}
            />
          </View>
          <View style={styles.half}>
            <TextField
              label="To (YYYY-MM-DD)"
              placeholder="2027-05-31"
              value={value.custom.to}
              inputMode="numeric"
              onChangeText={(to) => set({ custom: { ...value.custom, to } })}
            />
          </View>
        </View>
      ) : null}
      {rangeError ? (
        <Text style={styles.error} role="alert">
          {rangeError}
        </Text>
      ) : null}
    </View>
  );
}

const styles = StyleSheet.create({
  filters: { gap: space.md },
  groupLabel: { fontSize: font.small, fontWeight: '600', color: colors.text },
  chips: { gap: space.sm, paddingVertical: 2 },
  row: { flexDirection: 'row', gap: space.md },
  half: { flex: 1 },
  error: { color: colors.danger, fontSize: font.small },
  toggle: { alignSelf: 'flex-start', minHeight: 44, justifyContent: 'center' },
  toggleText: { color: colors.primary, fontSize: font.body, fontWeight: '600', textDecorationLine: 'underline' },
});
