import { startMailStandin } from './standin.js';

// Configuration: MAIL_STANDIN_SMTP_PORT (2525), MAIL_STANDIN_HTTP_PORT (12190), HOST (127.0.0.1).
const standin = await startMailStandin({
  smtpPort: Number(process.env.MAIL_STANDIN_SMTP_PORT ?? 2525),
  httpPort: Number(process.env.MAIL_STANDIN_HTTP_PORT ?? 12190),
  host: process.env.HOST ?? '127.0.0.1',
});
console.warn(
  `mail-standin: SMTP on ${standin.smtpUrl}, Expo push API and listings on ${standin.httpUrl} ` +
    `(GET ${standin.httpUrl}/messages, GET ${standin.httpUrl}/pushes)`,
);
const stop = () => void standin.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
