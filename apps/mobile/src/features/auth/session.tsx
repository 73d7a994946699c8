import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Account, Session } from '@eventify/contracts';
import { api, setAuthHandlers } from '@/api/client';
import { isApiError } from '@/api/errors';
import { deviceStore } from '@/storage';
import { refreshTransport } from './refresh-transport';

const ACCOUNT_KEY = 'eventify.account';

export type SessionStatus = 'loading' | 'signedOut' | 'signedIn';

export interface SignUpInput {
  name: string;
  email: string;
  password: string;
  role: 'attendee' | 'organizer';
}

export interface SessionState {
  status: SessionStatus;
  user: Account | null;
  /** Signed in on this device, but the server could not be reached to renew the session yet. */
  offline: boolean;
  /** Why the person was signed out, when it was not their own doing (a revoked or expired session). */
  endedBecause: string | null;
  signIn(email: string, password: string): Promise<void>;
  signUp(input: SignUpInput): Promise<void>;
  signOut(): Promise<void>;
}

type SignOutHook = (user: Account) => Promise<void>;
const beforeSignOutHooks = new Set<SignOutHook>();
const signedOutHooks = new Set<SignOutHook>();

/** Server-side clean-up while the session still works, when the person signs out (forget this device's push token). */
export function beforeSignOut(hook: SignOutHook): () => void {
  beforeSignOutHooks.add(hook);
  return () => beforeSignOutHooks.delete(hook);
}

/** What to wipe from this device whenever a session ends, for whatever reason (offline tickets, cached data). */
export function onSignedOut(hook: SignOutHook): () => void {
  signedOutHooks.add(hook);
  return () => signedOutHooks.delete(hook);
}

const SessionContext = createContext<SessionState | null>(null);

/**
 * The signed-in person. The access token lives in memory only; the refresh token where the platform keeps
 * secrets (see refresh-transport). On start the session is renewed; without a network the app stays signed in
 * with what this device already knows (tickets open offline). A refresh token the server refuses — revoked,
 * expired, reused — signs the person out and says so.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<SessionStatus>('loading');
  const [user, setUser] = useState<Account | null>(null);
  const [offline, setOffline] = useState(false);
  const [endedBecause, setEndedBecause] = useState<string | null>(null);
  const accessToken = useRef<string | null>(null);
  const renewing = useRef<Promise<string | null> | null>(null);
  const userRef = useRef<Account | null>(null);

  const adopt = useCallback(async (session: Session) => {
    await refreshTransport.keep(session);
    await deviceStore.write(ACCOUNT_KEY, session.user);
    accessToken.current = session.accessToken;
    userRef.current = session.user;
    setUser(session.user);
    setOffline(false);
    setEndedBecause(null);
    setStatus('signedIn');
  }, []);

  const clearDevice = useCallback(async () => {
    const previous = userRef.current;
    accessToken.current = null;
    userRef.current = null;
    if (previous) await Promise.allSettled([...signedOutHooks].map((hook) => hook(previous)));
    await Promise.allSettled([refreshTransport.forget(), deviceStore.remove(ACCOUNT_KEY)]);
    setUser(null);
    setOffline(false);
    setStatus('signedOut');
  }, []);

  /** Renew the session once, however many calls ask at the same time. */
  const renew = useCallback((): Promise<string | null> => {
    renewing.current ??= refreshTransport
      .exclusive(async () => {
        const body = await refreshTransport.refreshBody();
        if (!body) return null;
        const session = await api.post<Session>('/auth/refresh', body, { ...refreshTransport.requestOptions, auth: false });
        await adopt(session);
        return session.accessToken;
      })
      .catch(async (error: unknown) => {
        if (isApiError(error) && error.kind !== 'http') {
          setOffline(true);
          throw error;
        }
        if (isApiError(error) && error.status >= 500) throw error;
        // 400/401: the server no longer accepts this session.
        if (userRef.current) setEndedBecause('Your session has ended. Sign in again to continue.');
        await clearDevice();
        return null;
      })
      .finally(() => {
        renewing.current = null;
      });
    return renewing.current;
  }, [adopt, clearDevice]);

  useEffect(() => {
    setAuthHandlers({ accessToken: () => accessToken.current, renew });
  }, [renew]);

  // On start: renew the session this device holds, or carry on offline with the account it remembers.
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const remembered = await deviceStore.read<Account>(ACCOUNT_KEY);
      if (!remembered) {
        if (!cancelled) setStatus('signedOut');
        return;
      }
      userRef.current = remembered;
      try {
        if (!(await renew())) await clearDevice();
      } catch {
        if (cancelled) return;
        setUser(remembered);
        setOffline(true);
        setStatus('signedIn');
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [renew, clearDevice]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      await adopt(await api.post<Session>('/auth/login', { email, password }, { ...refreshTransport.requestOptions, auth: false }));
    },
    [adopt],
  );

  const signUp = useCallback(
    async (input: SignUpInput) => {
      await adopt(await api.post<Session>('/auth/register', input, { ...refreshTransport.requestOptions, auth: false }));
    },
    [adopt],
  );

  const signOut = useCallback(async () => {
    const previous = userRef.current;
    const body = await refreshTransport.refreshBody().catch(() => null);
    if (previous && body && accessToken.current) {
      // Best effort: offline, the session still ends on this device and expires on the server by itself.
      await Promise.allSettled([...beforeSignOutHooks].map((hook) => hook(previous)));
      await api.post('/auth/logout', body, refreshTransport.requestOptions).catch(() => undefined);
    }
    setEndedBecause(null);
    await clearDevice();
  }, [clearDevice]);

  const value = useMemo<SessionState>(
    () => ({ status, user, offline, endedBecause, signIn, signUp, signOut }),
    [status, user, offline, endedBecause, signIn, signUp, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession must be used inside <SessionProvider>');
  return session;
}
