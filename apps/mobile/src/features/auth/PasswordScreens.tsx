import { useMutation } from '@tanstack/react-query';
import { useLocalSearchParams } from 'expo-router';
import { useState } from 'react';
import { api } from '@/api/client';
import { Button } from '@/ui/Button';
import { FormError, fieldErrorsOf } from '@/ui/FormError';
import { Notice } from '@/ui/States';
import { TextField } from '@/ui/TextField';
import { AuthForm } from './AuthForm';

/** Ask for a reset link. The answer is the same for unknown addresses, so nobody learns who has an account. */
export function ForgotPasswordScreen() {
  const [email, setEmail] = useState('');
  const send = useMutation({
    mutationFn: (address: string) => api.post('/auth/password/forgot', { email: address }, { auth: false }).then(() => address),
  });
  const fields = fieldErrorsOf(send.error);
  return (
    <AuthForm
      title="Reset your password"
      intro="We send a link and a code to your e-mail address. They work once, for a limited time."
      links={[
        { href: '/reset-password', label: 'I have a reset code' },
        { href: '/sign-in', label: 'Back to sign in' },
      ]}
    >
      {send.data ? (
        <Notice tone="success">{`If an account exists for ${send.data}, a reset link is on its way. Check your inbox.`}</Notice>
      ) : null}
      <TextField
        label="E-mail"
        value={email}
        onChangeText={setEmail}
        error={fields.email}
        autoComplete="email"
        inputMode="email"
        autoCapitalize="none"
        autoCorrect={false}
      />
      <FormError error={send.error} />
      <Button label="Send reset link" onPress={() => send.mutate(email.trim())} busy={send.isPending} disabled={!email} />
    </AuthForm>
  );
}

/** Set a new password with the one-time code: from the e-mail's link (eventify://reset-password?token=…) or typed in. */
export function ResetPasswordScreen() {
  const params = useLocalSearchParams<{ token?: string }>();
  const [token, setToken] = useState(params.token ?? '');
  const [password, setPassword] = useState('');
  const reset = useMutation({ mutationFn: () => api.post('/auth/password/reset', { token: token.trim(), password }, { auth: false }) });
  const fields = fieldErrorsOf(reset.error);
  const done = reset.isSuccess;
  return (
    <AuthForm
      title="Choose a new password"
      links={[{ href: '/sign-in', label: done ? 'Sign in with your new password' : 'Back to sign in' }]}
    >
      {done ? (
        <Notice tone="success">Your password is changed, and every other session signed out. Sign in with the new one.</Notice>
      ) : null}
      {params.token ? null : (
        <TextField
          label="Reset code"
          value={token}
          onChangeText={setToken}
          error={fields.token}
          autoCapitalize="none"
          autoCorrect={false}
        />
      )}
      <TextField
        label="New password"
        value={password}
        onChangeText={setPassword}
        error={fields.password}
        autoComplete="new-password"
        secureTextEntry
      />
      <FormError error={reset.error} />
      <Button label="Set new password" onPress={() => reset.mutate()} busy={reset.isPending} disabled={done || !token || !password} />
    </AuthForm>
  );
}
