import { useMutation } from '@tanstack/react-query';
import { useLocalSearchParams, useRouter, type Href } from 'expo-router';
import { useState } from 'react';
import { StyleSheet, Switch, Text, View } from 'react-native';
import { Button } from '@/ui/Button';
import { FormError, fieldErrorsOf } from '@/ui/FormError';
import { TextField } from '@/ui/TextField';
import { colors, font, space } from '@/ui/theme';
import { AuthForm } from './AuthForm';
import { safeNext } from './safe-next';
import { useSession } from './session';

export function SignUpScreen() {
  const { signUp } = useSession();
  const router = useRouter();
  const { next } = useLocalSearchParams<{ next?: string }>();
  const [form, setForm] = useState({ name: '', email: '', password: '', organizer: false });
  const set = (field: 'name' | 'email' | 'password') => (value: string) => setForm((f) => ({ ...f, [field]: value }));
  const submit = useMutation({
    mutationFn: () =>
      signUp({
        name: form.name.trim(),
        email: form.email.trim(),
        password: form.password,
        role: form.organizer ? 'organizer' : 'attendee',
      }),
    onSuccess: () => router.replace(safeNext(next) as Href),
  });
  const fields = fieldErrorsOf(submit.error);

  return (
    <AuthForm
      title="Create your account"
      intro="Book tickets in a few taps and carry them on your phone."
      links={[{ href: { pathname: '/sign-in', params: next ? { next } : {} }, label: 'Already have an account? Sign in' }]}
    >
      <TextField label="Name" value={form.name} onChangeText={set('name')} error={fields.name} autoComplete="name" />
      <TextField
        label="E-mail"
        value={form.email}
        onChangeText={set('email')}
        error={fields.email}
        autoComplete="email"
        inputMode="email"
        autoCapitalize="none"
        autoCorrect={false}
      />
      <TextField
        label="Password"
        value={form.password}
        onChangeText={set('password')}
        error={fields.password}
        autoComplete="new-password"
        secureTextEntry
        help="At least 10 characters; a few words you will remember work well."
      />
      <View style={styles.switchRow}>
        <Switch
          value={form.organizer}
          onValueChange={(organizer) => setForm((f) => ({ ...f, organizer }))}
          aria-label="I also organize events"
          trackColor={{ true: colors.primary, false: colors.border }}
        />
        <Text style={styles.switchLabel}>I also organize events</Text>
      </View>
      <FormError error={submit.error} testID="sign-up-error" />
      <Button
        label="Create account"
        onPress={() => submit.mutate()}
        busy={submit.isPending}
        disabled={!form.name || !form.email || !form.password}
        testID="sign-up-button"
      />
    </AuthForm>
  );
}

const styles = StyleSheet.create({
  switchRow: { flexDirection: 'row', alignItems: 'center', gap: space.md },
  switchLabel: { fontSize: font.body, color: colors.text },
});
