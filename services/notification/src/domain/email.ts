import type { NotificationRecord } from '../data/notifications-repository.js';

/** A password reset token, held in memory only until its e-mail is sent. */
export interface ResetToken {
  token: string;
  expiresAt: Date;
}

/** The link the app opens, with the token added as ?token=… (or &token=… when the URL has a query already). */
export function resetLink(base: string, token: string): string {
  return `${base}${base.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

/** Plain-text e-mail for a notification: the inbox text, and for a password reset the link and code. */
export function composeEmail(n: NotificationRecord, name: string | null, reset: ResetToken | undefined, resetUrl: string) {
  const lines = [`Hello ${name ?? 'there'},`, ''];
  if (n.kind === 'password_reset' && reset) {
    lines.push(
      'Someone, hopefully you, asked to reset the password of your Eventify account.',
      '',
      'To choose a new password, open this link on your phone:',
      resetLink(resetUrl, reset.token),
      '',
      `Or enter this code in the app: ${reset.token}`,
      `It works once, until ${reset.expiresAt.toISOString().replace('T', ' ').slice(0, 16)} UTC.`,
      'If you did not ask for it, ignore this e-mail: your password stays as it is.',
      '',
    );
  } else {
    lines.push(n.body, '');
  }
  lines.push(
    '— Eventify',
    '',
    n.kind === 'password_reset'
      ? 'You get this e-mail because someone asked to reset the password of your Eventify account.'
      : 'You get this e-mail because of your notification settings in the Eventify app.',
  );
  return { subject: n.title, text: lines.join('\n') };
}
