import { useMutation } from '@tanstack/react-query';
import { useLocalSearchParams, useRouter, type Href } from 'expo-router';
import { useState } from 'react';
import { isApiError } from '@/api/errors';
import { Button } from '@/ui/Button';
import { FormError, fieldErrorsOf } from '@/ui/FormError';
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
  const submit = useMutation({ mutationFn: () => signIn(email.trim(), password), onSuccess: () => router.replace(safeNext(next) as Href) });
  const fields = fieldErrorsOf(submit.error);
  const wrongPassword = isApiError(submit.error) && submit.error.status === 401;

  return (
    <AuthForm
      title="Sign in"
      links={[
        { href: { pathname: '/sign-up', params: next ? { next } : {} }, label: 'New here? Create an account' },
        { href: '/forgot-password', label: 'Forgot your password?' },
      ]}
    >
      {endedBecause ? <Notice tone="warning">{endedBecause}</Notice> : null}
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
      <TextField
        label="Password"
        value={password}
        onChangeText={setPassword}
        error={fields.password}
        autoComplete="current-password"
        secureTextEntry
        onSubmitEditing={() => submit.mutate()}
      />
      <FormError
        error={submit.error}
        testID="sign-in-error"
        override={wrongPassword ? 'That e-mail and password do not match an account. Check both and try again.' : null}
      />
      <Button
        label="Sign in"
        onPress={() => submit.mutate()}
        busy={submit.isPending}
        disabled={!email || !password}
        testID="sign-in-button"
      />
    </AuthForm>
  );
}
