import { onlineManager } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ScanAnswer } from '@eventify/contracts';
import { isApiError } from '@/api/errors';
import { doorApi } from './api';
import { decideOffline, type DoorDecision } from './decide-offline';
import { DEFAULT_GATE, doorStore, UPLOAD_BATCH, type DoorState } from './door-store';

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
  const [gate, setGateState] = useState(DEFAULT_GATE);
  const [ready, setReady] = useState(false);
  const [online, setOnline] = useState(true);
  const [kitAt, setKitAt] = useState<string | null>(null);
  const [pending, setPending] = useState(0);
  const [conflicts, setConflicts] = useState(0);
  const [kitError, setKitError] = useState<unknown>(null);

  const save = useCallback(
    async (next: DoorState) => {
      state.current = next;
      setKitAt(next.kit?.generatedAt ?? null);
      setPending(next.pending.length);
      await doorStore.write(eventId, next);
    },
    [eventId],
  );

  const uploading = useRef<Promise<void> | null>(null);
  const upload = useCallback((): Promise<void> => {
    // One upload at a time: the network coming back and an answered scan both ask for one, and a second one under
    // way would send the same admissions again.
    uploading.current ??= (async () => {
      // A batch at a time (the server takes at most UPLOAD_BATCH per request), until nothing waits: a long stretch
      // offline goes up in several requests instead of one the server refuses, which would keep the whole queue back.
      for (
        let sent = state.current?.pending.slice(0, UPLOAD_BATCH) ?? [];
        sent.length > 0;
        sent = state.current!.pending.slice(0, UPLOAD_BATCH)
      ) {
        const answer = await doorApi.upload(eventId, { checkIns: sent });
        setConflicts((n) => n + answer.results.filter((r) => r.outcome === 'conflict').length);
        // Whatever was sent has an answer now; admissions made meanwhile stay queued for the next batch.
        const answered = new Set(sent);
        await save({ ...state.current!, pending: state.current!.pending.filter((p) => !answered.has(p)) });
      }
    })().finally(() => {
      uploading.current = null;
    });
    return uploading.current;
  }, [eventId, save]);

  const refresh = useCallback(async () => {
    try {
      // An upload the server refuses (it says why) must not keep this scanner on an old kit: it is reported, and
      // the kit is fetched all the same; an unreachable server ends the round.
      await upload().catch((error: unknown) => {
        if (unreachable(error)) throw error;
        setKitError(error);
      });
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

  // The server records every scan at a gate: while the setting is left blank, scans count at the default one (a
  // blank gate would be refused online, and would hold back the upload of every admission queued with it).
  const atGate = gate.trim() || DEFAULT_GATE;

  /** One scan: the server's answer when it can be had within seconds, the kit's otherwise. */
  const decide = useCallback(
    async (qr: string): Promise<DoorDecision & { offline: boolean }> => {
      // What the scanner knows once the answer (or its absence) is in, not when the scan began: an upload or a
      // fresh kit may have landed meanwhile, and saving an older copy would queue uploaded admissions again.
      const latest = (): DoorState => state.current ?? { kit: null, admitted: {}, pending: [] };
      try {
        // With this scanner's id, so that its later upload of the same admission counts as a repeat, not a conflict.
        const decision = fromServer(await doorApi.scan({ qr, gate: atGate, eventId, scannerId: scannerId.current }));
        setOnline(true);
        const current = latest();
        if (decision.result === 'admitted' && decision.ticketId) {
          await save({
            ...current,
            admitted: { ...current.admitted, [decision.ticketId]: { at: new Date().toISOString(), gate: atGate } },
          });
        }
        if (current.pending.length) void upload().catch(() => undefined);
        return { ...decision, offline: false };
      } catch (error) {
        if (!unreachable(error)) throw error;
        setOnline(false);
        const current = latest();
        const decision = decideOffline(qr, eventId, current.kit, current.admitted);
        if (decision.result === 'admitted' && decision.ticketId) {
          const at = new Date().toISOString();
          await save({
            ...current,
            admitted: { ...current.admitted, [decision.ticketId]: { at, gate: atGate } },
            pending: [...current.pending, { qr, gate: atGate, scannedAt: at, scannerId: scannerId.current }],
          });
        }
        return { ...decision, offline: true };
      }
    },
    [eventId, atGate, save, upload],
  );

  return { ready, gate, atGate, setGate, decide, online, kitAt, pending, conflicts, kitError, refresh };
}
