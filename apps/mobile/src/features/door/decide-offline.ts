import type { DoorKit, ScanResult } from '@eventify/contracts';
import { parseCode, signedByKit } from './ticket-code';

/** What the door shows: the server's results, plus one a scanner without a network may have to give. */
export type DoorResult = ScanResult | 'needs_network';

export interface DoorDecision {
  result: DoorResult;
  ticketId: string | null;
  /** For already_used: when and where it was first admitted. */
  firstAt?: string;
  firstGate?: string;
}

export interface LocalAdmission {
  at: string;
  gate: string;
}

/**
 * The door's decision without a network, from the kit and the admissions this scanner made since: a forged or
 * altered code is invalid, another event's is wrong_event, a cancelled ticket is cancelled, one admitted before
 * (by the server or here) is already_used, anything else is admitted. Two offline gates can both admit the same
 * ticket; the server keeps the first when they upload and shows the other as a conflict.
 */
export function decideOffline(text: string, eventId: string, kit: DoorKit | null, admitted: Record<string, LocalAdmission>): DoorDecision {
  const code = parseCode(text);
  if (!code) return { result: 'invalid', ticketId: null };
  if (code.eventId !== eventId) return { result: 'wrong_event', ticketId: code.ticketId };
  if (code.version === 'ET1' || !kit) return { result: 'needs_network', ticketId: code.ticketId };
  if (!signedByKit(code, kit)) return { result: 'invalid', ticketId: null };
  if (kit.cancelled.includes(code.ticketId)) return { result: 'cancelled', ticketId: code.ticketId };
  const earlier = admitted[code.ticketId] ?? kit.checkedIn.find((c) => c.ticketId === code.ticketId);
  if (earlier) return { result: 'already_used', ticketId: code.ticketId, firstAt: earlier.at, firstGate: earlier.gate };
  return { result: 'admitted', ticketId: code.ticketId };
}
