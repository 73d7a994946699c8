import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface StoredMail {
  id: string;
  /** Envelope sender and recipients (MAIL FROM / RCPT TO), what a mail server routes by. */
  envelope: { from: string | null; to: string[] };
  from: string | null;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  messageId: string | null;
  receivedAt: string;
}

export interface StoredPush {
  /** The ticket id answered to the sender. */
  id: string;
  to: string;
  title: string | null;
  body: string | null;
  data: Record<string, unknown> | null;
  receivedAt: string;
  /** "ok", or "error" for a token the stand-in treats as unregistered. */
  status: 'ok' | 'error';
}

export interface MailStandinOptions {
  /** 0 (the default) picks a free port. */
  smtpPort?: number;
  httpPort?: number;
  host?: string;
  logger?: boolean;
}

export interface MailStandin {
  smtpPort: number;
  httpPort: number;
  /** Base URL of the HTTP side: the Expo push API (EXPO_BASE_URL) and the listings. */
  httpUrl: string;
  /** smtp://host:port, for SMTP_URL. */
  smtpUrl: string;
  messages: StoredMail[];
  pushes: StoredPush[];
  /** Refuse the next `smtp` messages (451, temporary) and `push` requests (503), to exercise retries. */
  failNext(counts: { smtp?: number; push?: number }): void;
  close(): Promise<void>;
}

/** Tokens like ExponentPushToken[DeviceNotRegistered-…] get Expo's "DeviceNotRegistered" ticket, as an uninstalled app's would. */
const UNREGISTERED = /^Expo(nent)?PushToken\[DeviceNotRegistered/;

const addresses = (value: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(value) ? value : value ? [value] : []).flatMap((a) => a.value.map((v) => v.address ?? '')).filter(Boolean);

/**
 * What the notification service talks to in development and tests, in place of a mail provider and
 * Expo's push service: an SMTP server (any client, no auth, no TLS) and the Expo push API's send endpoint,
 * both keeping what they receive so people and tests can look (`GET /messages`, `GET /pushes`).
 */
export async function startMailStandin(options: MailStandinOptions = {}): Promise<MailStandin> {
  const host = options.host ?? '127.0.0.1';
  const messages: StoredMail[] = [];
  const pushes: StoredPush[] = [];
  const failing = { smtp: 0, push: 0 };

  const smtp = new SMTPServer({
    authOptional: true,
    // Plain text on loopback: no certificate to manage, and clients send without STARTTLS when it is not offered.
    disabledCommands: ['STARTTLS'],
    hideSTARTTLS: true,
    size: 10 * 1024 * 1024,
    logger: false,
    onMailFrom(_address, _session, callback) {
      if (failing.smtp > 0) {
        failing.smtp--;
        return callback(Object.assign(new Error('Try again later (stand-in asked to fail)'), { responseCode: 451 }));
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push({
            id: randomUUID(),
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            from: addresses(mail.from)[0] ?? null,
            to: addresses(mail.to),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: mail.html || null,
            messageId: mail.messageId ?? null,
            receivedAt: new Date().toISOString(),
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.server.once('error', reject);
    smtp.listen(options.smtpPort ?? 0, host, () => resolve());
  });
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const http = createPushApi(pushes, failing, options.logger ?? false);
  http.get('/messages', async (request) => ({
    items: filterByRecipient(messages, (request.query as { to?: string }).to, (m) => m.envelope.to),
  }));
  http.delete('/messages', async (_request, reply) => {
    messages.length = 0;
    return reply.status(204).send();
  });
  try {
    await http.listen({ host, port: options.httpPort ?? 0 });
  } catch (error) {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    throw error;
  }
  const httpPort = (http.server.address() as AddressInfo).port;

  return {
    smtpPort,
    httpPort,
    httpUrl: `http://${host}:${httpPort}`,
    smtpUrl: `smtp://${host}:${smtpPort}`,
    messages,
    pushes,
    failNext(counts) {
      failing.smtp += counts.smtp ?? 0;
      failing.push += counts.push ?? 0;
    },
    async close() {
      await Promise.all([http.close(), new Promise<void>((resolve) => smtp.close(() => resolve()))]);
    },
  };
}

function filterByRecipient<T>(items: T[], to: string | undefined, recipients: (item: T) => string[]): T[] {
  if (!to) return items;
  const wanted = to.toLowerCase();
  return items.filter((item) => recipients(item).some((r) => r.toLowerCase() === wanted));
}

interface ExpoMessage {
  to?: string | string[];
  title?: string;
  body?: string;
  data?: Record<string, unknown>;
}

/** Expo's push API, as far as a sender sees it: POST /--/api/v2/push/send answers one ticket per recipient. */
function createPushApi(pushes: StoredPush[], failing: { push: number }, logger: boolean): FastifyInstance {
  const app = Fastify({ logger });
  // The Expo SDK gzips bodies over 1 KiB (Content-Encoding: gzip); Expo accepts that, so must we.
  app.addHook('preParsing', async (request, _reply, payload) => {
    if (request.headers['content-encoding'] !== 'gzip') return payload;
    let received = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        (gunzipped as unknown as { receivedEncodedLength: number }).receivedEncodedLength = received;
        done(null, chunk);
      },
    });
    const gunzipped = payload.pipe(counted).pipe(createGunzip());
    return gunzipped;
  });

  app.post('/--/api/v2/push/send', async (request, reply) => {
    if (failing.push > 0) {
      failing.push--;
      return reply.status(503).send('Service Unavailable (stand-in asked to fail)');
    }
    const body = request.body as ExpoMessage | ExpoMessage[];
    const messages = Array.isArray(body) ? body : [body];
    const tickets = messages.flatMap((message) =>
      (Array.isArray(message.to) ? message.to : [message.to ?? '']).map((to) => {
        const unregistered = UNREGISTERED.test(to);
        const push: StoredPush = {
          id: randomUUID(),
          to,
          title: message.title ?? null,
          body: message.body ?? null,
          data: message.data ?? null,
          receivedAt: new Date().toISOString(),
          status: unregistered ? 'error' : 'ok',
        };
        pushes.push(push);
        return unregistered
          ? {
              status: 'error',
              message: `"${to}" is not a registered push notification recipient`,
              details: { error: 'DeviceNotRegistered', expoPushToken: to },
            }
          : { status: 'ok', id: push.id };
      }),
    );
    return { data: tickets };
  });

  // Receipts: every ticket the stand-in issued was "delivered".
  app.post('/--/api/v2/push/getReceipts', async (request) => {
    const ids = ((request.body as { ids?: string[] }).ids ?? []).filter((id) => pushes.some((p) => p.id === id && p.status === 'ok'));
    return { data: Object.fromEntries(ids.map((id) => [id, { status: 'ok' }])) };
  });

  app.get('/pushes', async (request) => ({ items: filterByRecipient(pushes, (request.query as { to?: string }).to, (p) => [p.to]) }));
  app.delete('/pushes', async (_request, reply) => {
    pushes.length = 0;
    return reply.status(204).send();
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  return app;
}
