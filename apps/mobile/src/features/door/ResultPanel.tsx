import { Pressable, StyleSheet, Text } from 'react-native';
import { formatTime } from '@/ui/format';
import type { DoorDecision, DoorResult } from './decide-offline';

const LOOK: Record<DoorResult, { word: string; background: string; detail: string }> = {
  admitted: { word: 'ADMITTED', background: '#15803d', detail: 'Let them in.' },
  already_used: { word: 'ALREADY USED', background: '#b45309', detail: 'This ticket got someone in before.' },
  invalid: { word: 'INVALID', background: '#b91c1c', detail: 'Not an Eventify ticket, or it was altered.' },
  wrong_event: { word: 'WRONG EVENT', background: '#b91c1c', detail: 'This ticket is for another event.' },
  cancelled: { word: 'CANCELLED', background: '#b91c1c', detail: 'This ticket was cancelled and gets nobody in.' },
  // Both an older (ET1) code and any code on a scanner that has no door kit yet end here: the words fit both.
  needs_network: {
    word: 'CHECK ONLINE',
    background: '#1d4ed8',
    detail: 'Only the server can check this one: an older ticket, or no door kit here yet.',
  },
};

/** The answer, filling the screen in a colour and a word readable from two metres; tap for the next ticket. */
export function ResultPanel({
  decision,
  offline,
  onNext,
}: {
  decision: DoorDecision & { offline: boolean };
  offline: boolean;
  onNext: () => void;
}) {
  const look = LOOK[decision.result];
  const first =
    decision.result === 'already_used' && decision.firstAt
      ? `First admitted at ${formatTime(decision.firstAt)}${decision.firstGate ? ` · ${decision.firstGate}` : ''}.`
      : null;
  return (
    <Pressable
      style={[styles.panel, { backgroundColor: look.background }]}
      onPress={onNext}
      role="button"
      aria-label={`${look.word}. ${first ?? look.detail} Tap for the next ticket.`}
      aria-live="assertive"
      testID="scan-result"
    >
      <Text style={styles.word} testID="scan-result-word">
        {look.word}
      </Text>
      <Text style={styles.detail}>{first ?? look.detail}</Text>
      {offline ? <Text style={styles.small}>Decided offline from the door kit.</Text> : null}
      <Text style={styles.small}>Tap for the next ticket</Text>
    </Pressable>
  );
}

const styles = StyleSheet.create({
  panel: {
    position: 'absolute',
    top: 0,
    left: 0,
    right: 0,
    bottom: 0,
    alignItems: 'center',
    justifyContent: 'center',
    padding: 24,
    gap: 16,
    zIndex: 10,
  },
  word: { color: '#ffffff', fontSize: 52, fontWeight: '900', textAlign: 'center', letterSpacing: 1 },
  detail: { color: '#ffffff', fontSize: 22, textAlign: 'center', fontWeight: '600' },
  small: { color: '#ffffff', fontSize: 16, textAlign: 'center' },
});
