import type { DoorKit, OfflineCheckIns } from '@eventify/contracts';
import { newIdempotencyKey } from '@/api/client';
import { deviceStore } from '@/storage';
import type { LocalAdmission } from './decide-offline';

export type PendingCheckIn = OfflineCheckIns['checkIns'][number];

/** What a scanner keeps per event, so a restart without a network loses nothing it decided. */
export interface DoorState {
  kit: DoorKit | null;
  /** Admissions decided here (online and offline), so this scanner never admits a ticket twice. */
  admitted: Record<string, LocalAdmission>;
  /** Offline admissions not yet accepted by the server. */
  pending: PendingCheckIn[];
}

const stateKey = (eventId: string) => `eventify.door.v1.${eventId}`;

export const DEFAULT_GATE = 'Main entrance';
/** The server records a gate of 1 to 40 characters. */
export const GATE_MAX_LENGTH = 40;
/** The server takes at most this many offline check-ins per request. */
export const UPLOAD_BATCH = 1000;

export const doorStore = {
  async read(eventId: string): Promise<DoorState> {
    return (await deviceStore.read<DoorState>(stateKey(eventId))) ?? { kit: null, admitted: {}, pending: [] };
  },
  write: (eventId: string, state: DoorState) => deviceStore.write(stateKey(eventId), state),
  /** The gate this device scans at: a setting, remembered. */
  gate: async () => (await deviceStore.read<string>('eventify.door.gate')) ?? DEFAULT_GATE,
  setGate: (gate: string) => deviceStore.write('eventify.door.gate', gate),
  /** A stable id of this scanner: the server tells a retried upload from a second gate by it. */
  async scannerId(): Promise<string> {
    const known = await deviceStore.read<string>('eventify.door.scanner');
    if (known) return known;
    const id = newIdempotencyKey();
    await deviceStore.write('eventify.door.scanner', id);
    return id;
  },
};
