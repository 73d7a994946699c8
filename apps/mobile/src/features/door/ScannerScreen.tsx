import { Stack, useLocalSearchParams } from 'expo-router';
import { useCallback, useRef, useState } from 'react';
import { ScrollView, StyleSheet, Text, View } from 'react-native';
import { describeError } from '@/api/errors';
import { Button } from '@/ui/Button';
import { formatMoment } from '@/ui/format';
import { Notice } from '@/ui/States';
import { TextField } from '@/ui/TextField';
import { colors, font, MAX_CONTENT_WIDTH, space } from '@/ui/theme';
import { CameraScanner } from './CameraScanner';
import type { DoorDecision } from './decide-offline';
import { GATE_MAX_LENGTH } from './door-store';
import { signal } from './feedback';
import { ResultPanel } from './ResultPanel';
import { useDoor } from './useDoor';

/** The same code seen again within this time is the camera still looking at it, not a second scan. */
const SAME_CODE_MS = 4_000;
const RESULT_MS = 3_000;

/** Scan tickets at the door of one event: camera, or the code typed in; works without a network from its kit. */
export function ScannerScreen() {
  const { eventId, title } = useLocalSearchParams<{ eventId: string; title?: string }>();
  const door = useDoor(eventId);
  const [result, setResult] = useState<(DoorDecision & { offline: boolean }) | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [typed, setTyped] = useState('');
  const [editingGate, setEditingGate] = useState(false);
  const last = useRef<{ text: string; at: number } | null>(null);
  const busy = useRef(false);
  const hide = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const next = useCallback(() => {
    clearTimeout(hide.current);
    setResult(null);
  }, []);

  const check = useCallback(
    async (text: string) => {
      const now = Date.now();
      if (busy.current || (last.current?.text === text && now - last.current.at < SAME_CODE_MS)) return;
      busy.current = true;
      last.current = { text, at: now };
      setError(null);
      try {
        const decision = await door.decide(text);
        signal(decision.result === 'admitted');
        setResult(decision);
        clearTimeout(hide.current);
        hide.current = setTimeout(() => setResult(null), RESULT_MS);
      } catch (failure) {
        setError(failure);
      } finally {
        busy.current = false;
      }
    },
    [door],
  );

  return (
    <View style={styles.screen}>
      <Stack.Screen options={{ title: title ? `Door: ${title}` : 'Door', headerTitle: title ?? 'Door' }} />
      <ScrollView contentContainerStyle={styles.content} keyboardShouldPersistTaps="handled">
        <View style={styles.status} testID="door-status">
          <Text style={[styles.statusText, { color: door.online ? colors.success : colors.warning }]}>
            {door.online ? 'Online: the server decides every scan.' : 'Offline: deciding from the door kit.'}
          </Text>
          <Text style={styles.muted}>
            {door.kitAt ? `Door kit from ${formatMoment(door.kitAt)}.` : 'No door kit yet: scanning needs the network until it arrives.'}
            {door.pending ? ` ${door.pending} admission${door.pending === 1 ? '' : 's'} waiting to upload.` : ''}
            {door.conflicts ? ` ${door.conflicts} conflict${door.conflicts === 1 ? '' : 's'} with other gates.` : ''}
          </Text>
        </View>
        {door.kitError ? <Notice tone="danger">{describeError(door.kitError)}</Notice> : null}
        <CameraScanner onCode={(text) => void check(text)} paused={!!result} />
        {error ? <Notice tone="danger">{describeError(error)}</Notice> : null}
        <TextField
          label="Ticket code"
          value={typed}
          onChangeText={setTyped}
          autoCapitalize="none"
          autoCorrect={false}
          help="When the camera cannot read it, type or paste the code under the QR."
        />
        <Button
          label="Check code"
          variant="secondary"
          disabled={!typed.trim()}
          onPress={() => {
            last.current = null;
            void check(typed.trim()).then(() => setTyped(''));
          }}
          testID="check-code"
        />
        {editingGate ? (
          <TextField
            label="Gate"
            value={door.gate}
            onChangeText={door.setGate}
            onBlur={() => setEditingGate(false)}
            autoFocus
            maxLength={GATE_MAX_LENGTH}
            help="Every scan from this device is recorded at this gate."
          />
        ) : (
          <Button
            label={`Gate: ${door.atGate} (change)`}
            accessibilityLabel={`Gate: ${door.atGate}. Change gate`}
            variant="ghost"
            onPress={() => setEditingGate(true)}
          />
        )}
      </ScrollView>
      {result ? <ResultPanel decision={result} offline={result.offline} onNext={next} /> : null}
    </View>
  );
}

const styles = StyleSheet.create({
  screen: { flex: 1, backgroundColor: colors.background },
  content: { padding: space.lg, gap: space.md, width: '100%', maxWidth: MAX_CONTENT_WIDTH, alignSelf: 'center' },
  status: { gap: 2 },
  statusText: { fontSize: font.body, fontWeight: '700' },
  muted: { fontSize: font.small, color: colors.muted },
});
