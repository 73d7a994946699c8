import { SERVICES } from '@eventify/contracts';

/**
 * Routes anyone may call without an access token. Everything else under a service prefix needs a valid
 * token at the gateway (and the service checks it again).
 */
const PUBLIC_ROUTES: readonly { methods: readonly string[]; path: RegExp }[] = [
  { methods: ['POST'], path: /^\/auth\/(register|login|refresh|password\/forgot|password\/reset)$/ },
  { methods: ['GET', 'HEAD'], path: /^\/auth\/\.well-known\/jwks\.json$/ },
  // Browsing published events; /events/mine (the organizer's own) and /events/staffed (the door's) are not public.
  { methods: ['GET', 'HEAD'], path: /^\/events$/ },
  { methods: ['GET', 'HEAD'], path: /^\/events\/(?!(?:mine|staffed)$)[^/]+$/ },
  // Stripe calls this; it is protected by its signature, checked by the payment service.
  { methods: ['POST'], path: /^\/payments\/webhooks\/stripe$/ },
];

/**
 * Endpoints that invite guessing or abuse (passwords, sign-up floods, reset e-mails): they get the stricter
 * per-address limit. Refresh is not among them: its tokens cannot be guessed, and every app refreshes often.
 */
const SENSITIVE = /^\/auth\/(login|register|password\/forgot|password\/reset)$/;

const SERVICE_PREFIXES = Object.values(SERVICES).flatMap((s) => s.prefixes);

export function pathOf(url: string): string {
  const path = url.split('?')[0] ?? '/';
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/** True for paths the gateway forwards to a service (the rest is the gateway's own or unknown). */
export function isServicePath(path: string): boolean {
  return SERVICE_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

export function isPublicRoute(method: string, path: string): boolean {
  return PUBLIC_ROUTES.some((route) => route.methods.includes(method) && route.path.test(path));
}

export function isSensitiveRoute(method: string, path: string): boolean {
  return method === 'POST' && SENSITIVE.test(path);
}
