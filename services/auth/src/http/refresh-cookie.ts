import type { FastifyReply, FastifyRequest } from 'fastify';
import { badRequest } from '@eventify/kit';

/**
 * The refresh token of a browser session travels in an HttpOnly cookie that page scripts cannot read, so
 * an injected script cannot steal it. Only requests that ask for it with this header use the cookie: the
 * header is not one a cross-site form or image can send, and with CORS limited to the app's origins the
 * browser refuses such a request from any other site (SameSite=Strict refuses it a second time).
 */
export const TRANSPORT_HEADER = 'x-refresh-token-transport';
export const REFRESH_COOKIE = 'eventify_refresh';
const COOKIE_PATH = '/auth';

export interface RefreshCookieOptions {
  secure: boolean;
  maxAgeSeconds: number;
}

export const wantsCookie = (request: FastifyRequest) => request.headers[TRANSPORT_HEADER] === 'cookie';

/** The refresh token of this request: the body's, or for a cookie session the cookie's. */
export function refreshTokenOf(request: FastifyRequest, body: { refreshToken?: string | undefined } | undefined): string {
  const token = body?.refreshToken ?? (wantsCookie(request) ? request.cookies[REFRESH_COOKIE] : undefined);
  if (!token) {
    throw badRequest(
      'Send the refresh token: in the body as refreshToken, or as the session cookie with X-Refresh-Token-Transport: cookie.',
      [{ field: 'body.refreshToken', message: 'is required' }],
    );
  }
  return token;
}

/** Answer a new session: for a cookie session the refresh token goes into the cookie and out of the body. */
export function sessionReply<T extends { refreshToken?: string | undefined }>(
  request: FastifyRequest,
  reply: FastifyReply,
  session: T,
  options: RefreshCookieOptions,
): T {
  if (!wantsCookie(request) || !session.refreshToken) return session;
  void reply.setCookie(REFRESH_COOKIE, session.refreshToken, {
    httpOnly: true,
    secure: options.secure,
    sameSite: 'strict',
    path: COOKIE_PATH,
    maxAge: options.maxAgeSeconds,
  });
  const { refreshToken: _moved, ...rest } = session;
  return rest as T;
}

export function clearRefreshCookie(request: FastifyRequest, reply: FastifyReply, options: RefreshCookieOptions): void {
  if (wantsCookie(request))
    void reply.clearCookie(REFRESH_COOKIE, { httpOnly: true, secure: options.secure, sameSite: 'strict', path: COOKIE_PATH });
}
