import { useLocalSearchParams } from 'expo-router';
import { useState } from 'react';
import { api } from '@/api/client';
import { describeError, isApiError } from '@/api/errors';
import { Button } from '@/ui/Button';
import { Notice } from '@/ui/States';
import { TextField } from '@/ui/TextField';
import { AuthForm } from './AuthForm';

/** Ask for a reset link. The answer is the same for unknown addresses, so nobody learns who has an account. */
export function ForgotPasswordScreen() {
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.post('/auth/password/forgot', { email: email.trim() }, { auth: false });
      setSentTo(email.trim());
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const fields = isApiError(error) ? error.fieldErrors : {};
  return (
    <AuthForm
      title="Reset your password"
      intro="We send a link and a code to your e-mail address. They work once, for a limited time."
      links={[
        { href: '/reset-password', label: 'I have a reset code' },
        { href: '/sign-in', label: 'Back to sign in' },
      ]}
    >
      {sentTo ? <Notice tone="success">{`If an account exists for ${sentTo}, a reset link is on its way. Check your inbox.`}</Notice> : null}
      <TextField label="E-mail" value={email} onChangeText={setEmail} error={fields.email} autoComplete="email" inputMode="email" autoCapitalize="none" autoCorrect={false} />
      {error && !Object.keys(fields).length ? <Notice tone="danger">{describeError(error)}</Notice> : null}
      <Button label="Send reset link" onPress={() => void submit()} busy={busy} disabled={!email} />
    </AuthForm>
  );
}

/** Set a new password with the one-time code: from the e-mail's link (eventify://reset-password?token=…) or typed in. */
export function ResetPasswordScreen() {
  const params = useLocalSearchParams<{ token?: string }>();
  const [token, setToken] = useState(params.token ?? '');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.post('/auth/password/reset', { token: token.trim(), password }, { auth: false });
      setDone(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const fields = isApiError(error) ? error.fieldErrors : {};
  return (
    <AuthForm title="Choose a new password" links={[{ href: '/sign-in', label: done ? 'Sign in with your new password' : 'Back to sign in' }]}>
      {done ? <Notice tone="success">Your password is changed, and every other session signed out. Sign in with the new one.</Notice> : null}
      {params.token ? null : <TextField label="Reset code" value={token} onChangeText={setToken} error={fields.token} autoCapitalize="none" autoCorrect={false} />}
      <TextField label="New password" value={password} onChangeText={setPassword} error={fields.password} autoComplete="new-password" secureTextEntry />
      {error && !Object.keys(fields).length ? <Notice tone="danger">{describeError(error)}</Notice> : null}
      <Button label="Set new password" onPress={() => void submit()} busy={busy} disabled={done || !token || !password} />
    </AuthForm>
  );
}
