import { useLocalSearchParams, useRouter, type Href } from 'expo-router';
import { useState } from 'react';
import { describeError, isApiError } from '@/api/errors';
import { Button } from '@/ui/Button';
import { Notice } from '@/ui/States';
import { TextField } from '@/ui/TextField';
import { AuthForm } from './AuthForm';
import { safeNext } from './safe-next';
import { useSession } from './session';

export function SignInScreen() {
  const { signIn, endedBecause } = useSession();
  const router = useRouter();
  const { next } = useLocalSearchParams<{ next?: string }>();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
      router.replace(safeNext(next) as Href);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const fields = isApiError(error) ? error.fieldErrors : {};
  const wrongPassword = isApiError(error) && error.status === 401;

  return (
    <AuthForm
      title="Sign in"
      links={[
        { href: { pathname: '/sign-up', params: next ? { next } : {} }, label: 'New here? Create an account' },
        { href: '/forgot-password', label: 'Forgot your password?' },
      ]}
    >
      {endedBecause ? <Notice tone="warning">{endedBecause}</Notice> : null}
      <TextField label="E-mail" value={email} onChangeText={setEmail} error={fields.email} autoComplete="email" inputMode="email" autoCapitalize="none" autoCorrect={false} />
      <TextField label="Password" value={password} onChangeText={setPassword} error={fields.password} autoComplete="current-password" secureTextEntry onSubmitEditing={() => void submit()} />
      {error && !Object.keys(fields).length ? (
        <Notice tone="danger" testID="sign-in-error">
          {wrongPassword ? 'That e-mail and password do not match an account. Check both and try again.' : describeError(error)}
        </Notice>
      ) : null}
      <Button label="Sign in" onPress={() => void submit()} busy={busy} disabled={!email || !password} testID="sign-in-button" />
    </AuthForm>
  );
}
