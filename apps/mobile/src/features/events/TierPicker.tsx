import { Pressable, StyleSheet, Text, View } from 'react-native';
import type { Tier } from '@eventify/contracts';
import { Badge } from '@/ui/Card';
import { formatMoney } from '@/ui/format';
import { colors, font, radius, space } from '@/ui/theme';

export type Quantities = Record<string, number>;

/** Why a tier cannot be bought right now, in words; null when it can. */
export function tierUnavailable(tier: Tier, now = new Date()): string | null {
  if (tier.available === 0) return 'Sold out';
  if (tier.salesStart && new Date(tier.salesStart) > now) return `On sale from ${new Date(tier.salesStart).toLocaleString()}`;
  if (tier.salesEnd && new Date(tier.salesEnd) <= now) return 'Sales have ended';
  return null;
}

export function maxQuantity(tier: Tier): number {
  return Math.max(0, Math.min(tier.available, tier.maxPerOrder));
}

function Stepper({ tier, value, onChange, disabled }: { tier: Tier; value: number; onChange: (n: number) => void; disabled: boolean }) {
  const max = maxQuantity(tier);
  const step = (delta: number) => onChange(Math.min(max, Math.max(0, value + delta)));
  return (
    <View style={styles.stepper}>
      <Pressable
        role="button"
        aria-label={`One fewer ${tier.name} ticket`}
        disabled={disabled || value === 0}
        onPress={() => step(-1)}
        style={[styles.stepButton, (disabled || value === 0) && styles.stepDisabled]}
      >
        <Text style={styles.stepText}>−</Text>
      </Pressable>
      <Text style={styles.quantity} aria-live="polite" aria-label={`${value} ${tier.name} tickets`}>
        {value}
      </Text>
      <Pressable
        role="button"
        aria-label={`One more ${tier.name} ticket`}
        disabled={disabled || value >= max}
        onPress={() => step(1)}
        style={[styles.stepButton, (disabled || value >= max) && styles.stepDisabled]}
      >
        <Text style={styles.stepText}>+</Text>
      </Pressable>
    </View>
  );
}

/** Each tier with its price and seats left, and how many of it to book. */
export function TierPicker({
  tiers,
  quantities,
  onChange,
  disabled = false,
}: {
  tiers: Tier[];
  quantities: Quantities;
  onChange: (q: Quantities) => void;
  disabled?: boolean;
}) {
  return (
    <View style={styles.tiers}>
      {tiers.map((tier) => {
        const unavailable = tierUnavailable(tier);
        return (
          <View key={tier.id} style={styles.tier} testID={`tier-${tier.name}`}>
            <View style={styles.tierInfo}>
              <Text style={styles.tierName}>{tier.name}</Text>
              {tier.description ? <Text style={styles.muted}>{tier.description}</Text> : null}
              <Text style={styles.price}>{tier.price === 0 ? 'Free' : formatMoney(tier.price, tier.currency)}</Text>
              {unavailable ? (
                <Badge label={unavailable} tone={tier.available === 0 ? 'danger' : 'warning'} />
              ) : (
                <Text style={styles.muted}>
                  {tier.available} of {tier.capacity} left · up to {tier.maxPerOrder} per order
                </Text>
              )}
            </View>
            {unavailable ? null : (
              <Stepper
                tier={tier}
                value={quantities[tier.id] ?? 0}
                onChange={(n) => onChange({ ...quantities, [tier.id]: n })}
                disabled={disabled}
              />
            )}
          </View>
        );
      })}
    </View>
  );
}

export function clampToAvailable(tiers: Tier[], quantities: Quantities): Quantities {
  return Object.fromEntries(
    tiers.map((tier) => [tier.id, Math.min(quantities[tier.id] ?? 0, tierUnavailable(tier) ? 0 : maxQuantity(tier))]),
  );
}

export function totalOf(tiers: Tier[], quantities: Quantities): { amount: number; currency: string; count: number } | null {
  const chosen = tiers.filter((t) => (quantities[t.id] ?? 0) > 0);
  if (chosen.length === 0) return null;
  return {
    amount: chosen.reduce((sum, t) => sum + t.price * (quantities[t.id] ?? 0), 0),
    currency: chosen[0]!.currency,
    count: chosen.reduce((sum, t) => sum + (quantities[t.id] ?? 0), 0),
  };
}

const styles = StyleSheet.create({
  tiers: { gap: space.md },
  tier: {
    flexDirection: 'row',
    alignItems: 'center',
    gap: space.md,
    padding: space.md,
    borderRadius: radius.md,
    borderWidth: 1,
    borderColor: colors.border,
    backgroundColor: colors.surface,
  },
  tierInfo: { flex: 1, gap: 2 },
  tierName: { fontSize: font.body, fontWeight: '700', color: colors.text },
  price: { fontSize: font.body, color: colors.text },
  muted: { fontSize: font.small, color: colors.muted },
  stepper: { flexDirection: 'row', alignItems: 'center', gap: space.sm },
  stepButton: {
    width: 44,
    height: 44,
    borderRadius: radius.pill,
    borderWidth: 1,
    borderColor: colors.primary,
    alignItems: 'center',
    justifyContent: 'center',
  },
  stepDisabled: { opacity: 0.35 },
  stepText: { fontSize: font.title, color: colors.primary, fontWeight: '600' },
  quantity: { minWidth: 28, textAlign: 'center', fontSize: font.large, fontWeight: '700', color: colors.text },
});
