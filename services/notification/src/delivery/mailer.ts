import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** The same for every attempt at one delivery: a mail sent again after a crash is recognisably the same message. */
  messageId?: string;
}

export interface Mailer {
  /** Resolves with the message id once the mail server accepted the message; rejects otherwise. */
  send(mail: OutgoingMail): Promise<{ id: string | null }>;
  close(): void;
}

/** E-mail over SMTP with nodemailer: a mail provider's relay in production, the local stand-in in development. */
export function createSmtpMailer(options: { url: string; from: string; timeoutMs: number }): Mailer {
  const transport = nodemailer.createTransport(
    {
      url: options.url,
      // A hung mail server must not hold a delivery (and its lock) for nodemailer's minutes-long defaults.
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
    },
    { from: options.from },
  );
  return {
    async send(mail) {
      const info = await transport.sendMail({
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.messageId ? { messageId: mail.messageId } : {}),
      });
      return { id: info.messageId ?? null };
    },
    close: () => transport.close(),
  };
}
