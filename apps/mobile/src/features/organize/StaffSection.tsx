import { useState } from 'react';
import { StyleSheet, Text, View } from 'react-native';
import { Button } from '@/ui/Button';
import { Card } from '@/ui/Card';
import { FormError, fieldErrorsOf } from '@/ui/FormError';
import { ErrorState, Loading } from '@/ui/States';
import { TextField } from '@/ui/TextField';
import { colors, font, space } from '@/ui/theme';
import { useStaff, useStaffChange } from './api';

/** Door staff by e-mail. The answer never says whether an address has an account; they can scan once it does. */
export function StaffSection({ eventId }: { eventId: string }) {
  const staff = useStaff(eventId);
  const { add, remove } = useStaffChange(eventId);
  const [email, setEmail] = useState('');
  if (staff.isPending) return <Loading label="Loading door staff…" />;
  if (staff.isError) return <ErrorState error={staff.error} onRetry={() => void staff.refetch()} title="Door staff did not load" />;
  return (
    <Card>
      <Text style={styles.muted}>People you name here can scan tickets for this event in the app, at any gate.</Text>
      {staff.data.staff.length === 0 ? <Text style={styles.muted}>Nobody yet: only you can scan.</Text> : null}
      {staff.data.staff.map((person) => (
        <View key={person.email} style={styles.row} testID="staff-member">
          <Text style={styles.email}>{person.email}</Text>
          <Button
            label="Remove"
            accessibilityLabel={`Remove ${person.email}`}
            variant="ghost"
            busy={remove.isPending && remove.variables === person.email}
            onPress={() => remove.mutate(person.email)}
          />
        </View>
      ))}
      <TextField
        label="Add door staff by e-mail"
        value={email}
        onChangeText={setEmail}
        error={fieldErrorsOf(add.error).email}
        inputMode="email"
        autoCapitalize="none"
        autoCorrect={false}
        help="If they have no account yet, they can scan as soon as they sign up with this address."
      />
      <FormError error={add.error ?? remove.error} />
      <Button
        label="Add"
        variant="secondary"
        disabled={!email.trim()}
        busy={add.isPending}
        onPress={() => add.mutate(email.trim(), { onSuccess: () => setEmail('') })}
      />
    </Card>
  );
}

const styles = StyleSheet.create({
  muted: { fontSize: font.small, color: colors.muted },
  row: { flexDirection: 'row', alignItems: 'center', justifyContent: 'space-between', gap: space.md },
  email: { fontSize: font.body, color: colors.text, flexShrink: 1 },
});
