import { onlineManager } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ScanAnswer } from '@eventify/contracts';
import { isApiError } from '@/api/errors';
import { doorApi } from './api';
import { decideOffline, type DoorDecision } from './decide-offline';
import { doorStore, type DoorState } from './door-store';

const REFRESH_MS = 30_000;

function fromServer(answer: ScanAnswer): DoorDecision {
  return {
    result: answer.result,
    ticketId: answer.ticket?.id ?? null,
    ...(answer.result === 'already_used' ? { firstAt: answer.checkedInAt, firstGate: answer.gate } : {}),
  };
}

const unreachable = (error: unknown) => isApiError(error) && (error.kind !== 'http' || error.status >= 502);

/**
 * A scanner for one event. Online, the server decides every scan (exactly one admission per ticket, at any gate).
 * When it cannot be reached, the door decides from its kit (public keys, cancelled tickets, check-ins so far) and
 * what this scanner admitted, queues those admissions, and uploads them once the network is back. The kit is
 * downloaded on opening and kept fresh every 30 s while online.
 */
export function useDoor(eventId: string) {
  const state = useRef<DoorState | null>(null);
  const scannerId = useRef('');
  const [gate, setGateState] = useState('Main entrance');
  const [ready, setReady] = useState(false);
  const [online, setOnline] = useState(true);
  const [kitAt, setKitAt] = useState<string | null>(null);
  const [pending, setPending] = useState(0);
  const [conflicts, setConflicts] = useState(0);
  const [kitError, setKitError] = useState<unknown>(null);

  const save = useCallback(async (next: DoorState) => {
    state.current = next;
    setKitAt(next.kit?.generatedAt ?? null);
    setPending(next.pending.length);
    await doorStore.write(eventId, next);
  }, [eventId]);

  const upload = useCallback(async () => {
    const current = state.current;
    if (!current || current.pending.length === 0) return;
    const sent = current.pending;
    const answer = await doorApi.upload(eventId, { checkIns: sent });
    setConflicts((n) => n + answer.results.filter((r) => r.outcome === 'conflict').length);
    // Whatever was sent has an answer now; admissions made while uploading stay queued.
    await save({ ...state.current!, pending: state.current!.pending.filter((p) => !sent.includes(p)) });
  }, [eventId, save]);

  const refresh = useCallback(async () => {
    try {
      await upload();
      const kit = await doorApi.kit(eventId);
      await save({ ...state.current!, kit });
      setKitError(null);
      setOnline(true);
    } catch (error) {
      if (unreachable(error)) setOnline(false);
      else setKitError(error);
    }
  }, [eventId, save, upload]);

  useEffect(() => {
    let active = true;
    void (async () => {
      const [stored, savedGate, id] = await Promise.all([doorStore.read(eventId), doorStore.gate(), doorStore.scannerId()]);
      if (!active) return;
      state.current = stored;
      scannerId.current = id;
      setGateState(savedGate);
      setKitAt(stored.kit?.generatedAt ?? null);
      setPending(stored.pending.length);
      setReady(true);
      await refresh();
    })();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    // Back online: upload what was admitted offline and fetch a fresh kit at once, not at the next tick.
    const unsubscribe = onlineManager.subscribe((isOnline) => {
      if (isOnline && state.current) void refresh();
    });
    return () => {
      active = false;
      clearInterval(timer);
      unsubscribe();
    };
  }, [eventId, refresh]);

  const setGate = useCallback((next: string) => {
    setGateState(next);
    void doorStore.setGate(next);
  }, []);

  /** One scan: the server's answer when it can be had within seconds, the kit's otherwise. */
  const decide = useCallback(
    async (qr: string): Promise<DoorDecision & { offline: boolean }> => {
      const current = state.current ?? { kit: null, admitted: {}, pending: [] };
      try {
        const decision = fromServer(await doorApi.scan({ qr, gate, eventId }));
        setOnline(true);
        if (decision.result === 'admitted' && decision.ticketId) {
          await save({ ...current, admitted: { ...current.admitted, [decision.ticketId]: { at: new Date().toISOString(), gate } } });
        }
        if (current.pending.length) void upload().catch(() => undefined);
        return { ...decision, offline: false };
      } catch (error) {
        if (!unreachable(error)) throw error;
        setOnline(false);
        const decision = decideOffline(qr, eventId, current.kit, current.admitted);
        if (decision.result === 'admitted' && decision.ticketId) {
          const at = new Date().toISOString();
          await save({
            ...current,
            admitted: { ...current.admitted, [decision.ticketId]: { at, gate } },
            pending: [...current.pending, { qr, gate, scannedAt: at, scannerId: scannerId.current }],
          });
        }
        return { ...decision, offline: true };
      }
    },
    [eventId, gate, save, upload],
  );

  return { ready, gate, setGate, decide, online, kitAt, pending, conflicts, kitError, refresh };
}
