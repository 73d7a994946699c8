import type { Session } from '@eventify/contracts';
import type { RequestOptions } from '@/api/client';

/**
 * Where the refresh token lives between app starts. Each platform has its own file: on a phone, the
 * system's secure storage (refresh-transport.native.ts); in a browser, an HttpOnly cookie the page's
 * scripts cannot read (refresh-transport.web.ts). This file is the contract both implement.
 */
export interface RefreshTransport {
  /** Extra options for sign-up, sign-in, refresh and sign-out calls. */
  readonly requestOptions: RequestOptions;
  /** The body of a refresh or sign-out call; null when this device holds no session. */
  refreshBody(): Promise<{ refreshToken?: string } | null>;
  /** Keep the refresh token of a new session. */
  keep(session: Session): Promise<void>;
  forget(): Promise<void>;
  /** Run a refresh so that two at once (two tabs) cannot present the same, already rotated, token. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
}

/** Resolved per platform by the bundler: refresh-transport.native.ts or refresh-transport.web.ts. */
export declare const refreshTransport: RefreshTransport;
