import { z } from 'zod';
import { AcceptedSchema, JwksSchema, RoleSchema, SessionSchema as session, type Jwks } from '@eventify/contracts';
import { clientAddressOf, principalOf, problems, type App, type Guards } from '@eventify/kit';
import type { Accounts } from '../domain/accounts.js';
import type { SigningKeys } from '../domain/signing-keys.js';
import { clearRefreshCookie, refreshTokenOf, sessionReply, type RefreshCookieOptions } from './refresh-cookie.js';

const email = z.string().trim().max(254).email('must be an e-mail address');

export interface AuthRouteDeps {
  accounts: Accounts;
  keys: SigningKeys;
  guards: Guards;
  refreshCookie: RefreshCookieOptions;
}

export function registerAuthRoutes(app: App, { accounts, keys, guards, refreshCookie }: AuthRouteDeps): void {
  app.post(
    '/auth/register',
    {
      schema: {
        summary: 'Create an account',
        body: z.object({
          email,
          password: z.string().max(200),
          name: z.string().trim().min(1, 'must not be empty').max(100),
          role: z.enum(['attendee', 'organizer']).default('attendee'),
        }),
        response: { 201: session, ...problems(409) },
      },
    },
    async (request, reply) => reply.status(201).send(sessionReply(request, reply, await accounts.register(request.body), refreshCookie)),
  );

  app.post(
    '/auth/login',
    {
      schema: {
        summary: 'Sign in',
        body: z.object({ email, password: z.string().min(1).max(200) }),
        response: { 200: session, ...problems(401) },
      },
    },
    async (request, reply) =>
      sessionReply(request, reply, await accounts.login({ ...request.body, ip: clientAddressOf(request) }), refreshCookie),
  );

  app.post(
    '/auth/refresh',
    {
      schema: {
        summary: 'Exchange a refresh token for a new pair (the old one stops working)',
        description:
          'A browser session sends no body token but the header X-Refresh-Token-Transport: cookie, and gets the new token as a cookie.',
        body: z.object({ refreshToken: z.string().min(1).max(200).optional() }).nullish(),
        response: { 200: session, ...problems(401) },
      },
    },
    async (request, reply) =>
      sessionReply(request, reply, await accounts.refresh(refreshTokenOf(request, request.body ?? undefined)), refreshCookie),
  );

  app.post(
    '/auth/logout',
    {
      onRequest: guards.authenticate,
      schema: {
        summary: 'Sign out: revoke the refresh token (and its session)',
        body: z.object({ refreshToken: z.string().min(1).max(200).optional() }).nullish(),
        response: { 204: z.undefined().describe('Signed out') },
      },
    },
    async (request, reply) => {
      await accounts.logout(refreshTokenOf(request, request.body ?? undefined), principalOf(request).userId);
      clearRefreshCookie(request, reply, refreshCookie);
      return reply.status(204).send();
    },
  );

  app.post(
    '/auth/password/forgot',
    {
      schema: {
        summary: 'Send a password reset link by e-mail (same answer for unknown addresses)',
        body: z.object({ email }),
        response: { 202: AcceptedSchema },
      },
    },
    async (request, reply) => {
      await accounts.forgotPassword(request.body.email);
      return reply.status(202).send({ status: 'accepted', detail: 'If an account exists for this address, a reset link is on its way.' });
    },
  );

  app.post(
    '/auth/password/reset',
    {
      schema: {
        summary: 'Set a new password with the one-time token from the e-mail',
        body: z.object({ token: z.string().min(1).max(200), password: z.string().max(200) }),
        response: { 204: z.undefined().describe('The password is changed; every session signed out') },
      },
    },
    async (request, reply) => {
      await accounts.resetPassword(request.body.token, request.body.password);
      return reply.status(204).send();
    },
  );

  app.get(
    '/auth/.well-known/jwks.json',
    { schema: { summary: 'Public keys that verify access tokens', response: { 200: JwksSchema } } },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      // Every key signing-keys.ts makes is an OKP key: kty is always there.
      return (await keys.jwks()) as Jwks;
    },
  );
}

export function registerInternalRoutes(app: App, { accounts, keys, guards }: AuthRouteDeps): void {
  const params = z.object({ userId: z.string().min(1).max(100) });
  app.put(
    '/internal/users/:userId/roles',
    { onRequest: guards.internalOnly, schema: { hide: true, params, body: z.object({ roles: z.array(RoleSchema).min(1) }) } },
    async (request) => {
      const user = await accounts.setRoles(request.params.userId, request.body.roles);
      return { userId: user.id, roles: user.roles };
    },
  );
  app.get('/internal/users/:userId', { onRequest: guards.internalOnly, schema: { hide: true, params } }, async (request) =>
    accounts.getUser(request.params.userId),
  );
  // The event service names door staff by e-mail: whether an account has the address (the address in the body, never a URL).
  app.post(
    '/internal/accounts/lookup',
    {
      onRequest: guards.internalOnly,
      schema: {
        hide: true,
        body: z.object({ email: z.string().trim().max(254) }),
        response: { 200: z.object({ userId: z.string().nullable() }) },
      },
    },
    async (request) => ({ userId: await accounts.idOf(request.body.email) }),
  );
  app.post('/internal/keys/rotate', { onRequest: guards.internalOnly, schema: { hide: true } }, async () => keys.rotate());
}
