export { startMailStandin, type MailStandin, type MailStandinOptions, type StoredMail, type StoredPush } from './standin.js';
