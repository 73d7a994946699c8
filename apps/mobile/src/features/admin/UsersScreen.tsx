import { useState } from 'react';
import { StyleSheet, Switch, Text, View } from 'react-native';
import type { Profile, Role } from '@eventify/contracts';
import { useDebounced } from '@/hooks/useDebounced';
import { FormError } from '@/ui/FormError';
import { PagedList } from '@/ui/PagedList';
import { EmptyState } from '@/ui/States';
import { TextField } from '@/ui/TextField';
import { colors, font, MAX_CONTENT_WIDTH, radius, space } from '@/ui/theme';
import { ROLE_LABELS, useSetRoles, useUsers } from './api';

const ROLES = Object.keys(ROLE_LABELS) as Role[];

function UserRow({ user }: { user: Profile }) {
  const setRoles = useSetRoles();
  const toggle = (role: Role, on: boolean) => {
    const roles = on ? [...user.roles, role] : user.roles.filter((r) => r !== role);
    setRoles.mutate({ userId: user.id, roles: roles.length ? roles : ['attendee'] });
  };
  return (
    <View style={styles.row} testID="user-row">
      <Text style={styles.name}>{user.name}</Text>
      <Text style={styles.muted}>{user.email}</Text>
      <View style={styles.roles}>
        {ROLES.map((role) => (
          <View key={role} style={styles.role}>
            <Switch
              value={user.roles.includes(role)}
              disabled={setRoles.isPending || role === 'attendee'}
              onValueChange={(on) => toggle(role, on)}
              aria-label={`${ROLE_LABELS[role]}: ${user.name}`}
              trackColor={{ true: colors.primary, false: colors.border }}
            />
            <Text style={styles.roleLabel}>{ROLE_LABELS[role]}</Text>
          </View>
        ))}
      </View>
      <FormError error={setRoles.error} />
    </View>
  );
}

/** Find people by name or e-mail and change what they may do; new sign-ins carry the new roles. */
export function UsersScreen() {
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim());
  const users = useUsers(query);
  return (
    <View style={styles.page}>
      <View style={styles.search}>
        <TextField
          label="Search people"
          placeholder="Name or e-mail"
          value={q}
          onChangeText={setQ}
          autoCapitalize="none"
          autoCorrect={false}
        />
      </View>
      <PagedList
        query={users}
        keyOf={(u) => u.id}
        renderItem={(user) => <UserRow user={user} />}
        loadingLabel="Searching…"
        errorTitle="People did not load"
        empty={<EmptyState title="Nobody matches" />}
      />
    </View>
  );
}

const styles = StyleSheet.create({
  page: { flex: 1, backgroundColor: colors.background },
  search: { paddingHorizontal: space.lg, paddingTop: space.lg, width: '100%', maxWidth: MAX_CONTENT_WIDTH, alignSelf: 'center' },
  row: {
    backgroundColor: colors.surface,
    padding: space.lg,
    borderRadius: radius.lg,
    borderWidth: 1,
    borderColor: colors.border,
    gap: space.xs,
  },
  name: { fontSize: font.body, fontWeight: '700', color: colors.text },
  muted: { fontSize: font.small, color: colors.muted },
  roles: { flexDirection: 'row', flexWrap: 'wrap', gap: space.md, marginTop: space.sm },
  role: { flexDirection: 'row', alignItems: 'center', gap: space.xs },
  roleLabel: { fontSize: font.small, color: colors.text },
});
