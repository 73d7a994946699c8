import { useState } from 'react';
import { StyleSheet, Switch, Text, View } from 'react-native';
import type { NotificationKind, Profile } from '@eventify/contracts';
import { describeError } from '@/api/errors';
import { useSession } from '@/features/auth/session';
import { Button } from '@/ui/Button';
import { Card, SectionTitle } from '@/ui/Card';
import { FormError, fieldErrorsOf } from '@/ui/FormError';
import { Screen } from '@/ui/Screen';
import { ErrorState, Loading, Notice } from '@/ui/States';
import { TextField } from '@/ui/TextField';
import { colors, font, space } from '@/ui/theme';
import { KIND_LABELS, usePreferences, useProfile, useSetChannel, useUpdateProfile } from './api';

function Details() {
  const profile = useProfile();
  const update = useUpdateProfile();
  if (profile.isPending) return <Loading label="Loading your profile…" />;
  if (profile.isError) return <ErrorState error={profile.error} onRetry={() => void profile.refetch()} title="Your profile did not load" />;
  // A saved change comes back as a new profile: the form starts again from it.
  return <DetailsForm key={profile.data.updatedAt} profile={profile.data} update={update} />;
}

function DetailsForm({ profile, update }: { profile: Profile; update: ReturnType<typeof useUpdateProfile> }) {
  const [name, setName] = useState(profile.name);
  const [city, setCity] = useState(profile.city ?? '');
  const fieldErrors = fieldErrorsOf(update.error);
  const changed = name.trim() !== profile.name || (city.trim() || null) !== profile.city;
  return (
    <Card>
      <Text style={styles.muted}>{profile.email}</Text>
      <TextField label="Name" value={name} onChangeText={setName} error={fieldErrors.name} autoComplete="name" />
      <TextField
        label="City"
        value={city}
        onChangeText={setCity}
        error={fieldErrors.city}
        help="Events near you are easier to find."
        autoComplete="address-line2"
      />
      {update.isSuccess && !changed ? <Notice tone="success">Saved.</Notice> : null}
      <FormError error={update.error} />
      <Button
        label="Save profile"
        onPress={() => update.mutate({ name: name.trim(), city: city.trim() || null })}
        busy={update.isPending}
        disabled={!changed}
      />
    </Card>
  );
}

function Preferences() {
  const preferences = usePreferences();
  const setChannel = useSetChannel();
  if (preferences.isPending) return <Loading label="Loading your notification settings…" />;
  if (preferences.isError)
    return <ErrorState error={preferences.error} onRetry={() => void preferences.refetch()} title="Notification settings did not load" />;
  return (
    <Card>
      <Text style={styles.muted}>Everything reaches your inbox here. Choose what also comes by e-mail and as a push notification.</Text>
      {setChannel.error ? <Notice tone="danger">{describeError(setChannel.error)}</Notice> : null}
      <View style={styles.headerRow}>
        <Text style={[styles.kind, styles.columnTitle]}>Kind</Text>
        <Text style={[styles.channel, styles.columnTitle]}>E-mail</Text>
        <Text style={[styles.channel, styles.columnTitle]}>Push</Text>
      </View>
      {(Object.keys(KIND_LABELS) as NotificationKind[]).map((kind) => {
        const choice = preferences.data.kinds[kind];
        if (!choice) return null;
        return (
          <View key={kind} style={styles.prefRow}>
            <Text style={styles.kind}>{KIND_LABELS[kind]}</Text>
            {(['email', 'push'] as const).map((channel) => {
              const locked = choice.locked.includes(channel);
              return (
                <View key={channel} style={styles.channel}>
                  <Switch
                    value={choice[channel]}
                    disabled={locked}
                    onValueChange={(on) => setChannel.mutate({ kind, channel, on })}
                    aria-label={`${KIND_LABELS[kind]} by ${channel === 'email' ? 'e-mail' : 'push notification'}${locked ? ' (always on)' : ''}`}
                    trackColor={{ true: colors.primary, false: colors.border }}
                  />
                </View>
              );
            })}
          </View>
        );
      })}
    </Card>
  );
}

export function ProfileScreen() {
  const { signOut, user } = useSession();
  const [leaving, setLeaving] = useState(false);
  return (
    <Screen>
      <Text style={styles.title} role="heading" aria-level={1}>
        {user?.name ?? 'Profile'}
      </Text>
      <SectionTitle>Your details</SectionTitle>
      <Details />
      <SectionTitle>Notifications</SectionTitle>
      <Preferences />
      <Button
        label="Sign out"
        variant="secondary"
        busy={leaving}
        onPress={() => {
          setLeaving(true);
          void signOut().finally(() => setLeaving(false));
        }}
        testID="sign-out"
      />
    </Screen>
  );
}

const styles = StyleSheet.create({
  title: { fontSize: font.hero, fontWeight: '800', color: colors.text },
  muted: { fontSize: font.small, color: colors.muted },
  headerRow: { flexDirection: 'row', alignItems: 'center', marginTop: space.sm },
  columnTitle: { fontWeight: '700', fontSize: font.small, color: colors.muted },
  prefRow: { flexDirection: 'row', alignItems: 'center', minHeight: 48 },
  kind: { flex: 1, fontSize: font.body, color: colors.text },
  channel: { width: 72, alignItems: 'center', textAlign: 'center' },
});
