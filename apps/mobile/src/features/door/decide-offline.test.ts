import { CURRENT_KEY, doorKit, RETIRED_KEY, SigningKey } from '../../../test/door-kit';
import { decideOffline, type LocalAdmission } from './decide-offline';
import { parseCode, signedByKit } from './ticket-code';

/** Real codes, Ed25519-signed as the qr service signs them (test/door-kit.ts); the kit holds the public keys only. */
const kit = doorKit({
  cancelled: ['ticket-7'],
  checkedIn: [{ ticketId: 'ticket-8', at: '2027-05-01T17:02:00.000Z', gate: 'Side door' }],
});
const decide = (code: string, admitted: Record<string, LocalAdmission> = {}, withKit: typeof kit | null = kit) =>
  decideOffline(code, 'event-1', withKit, admitted);

/** The code with the character at `index` replaced: one changed byte. */
const changeAt = (code: string, index: number) => code.slice(0, index) + (code[index] === 'A' ? 'B' : 'A') + code.slice(index + 1);

describe('Deciding at the door without a network', () => {
  it('admits a code signed by the key in use, and one signed by a retired key the kit still lists', () => {
    expect(decide(CURRENT_KEY.code('ticket-1'))).toEqual({ result: 'admitted', ticketId: 'ticket-1' });
    expect(decide(RETIRED_KEY.code('ticket-2'))).toEqual({ result: 'admitted', ticketId: 'ticket-2' });
    // As the camera or a paste may deliver it, with a line break.
    expect(decide(`${CURRENT_KEY.code('ticket-3')}\n`)).toEqual({ result: 'admitted', ticketId: 'ticket-3' });
  });

  it('refuses as invalid a code with a byte of its signed text or of its signature changed', () => {
    const code = CURRENT_KEY.code('ticket-1');
    const lastDot = code.lastIndexOf('.');
    // Another ticket id (the likeliest forgery), then single bytes across the signed text and the signature.
    expect(decide(code.replace('.ticket-1.', '.ticket-2.'))).toEqual({ result: 'invalid', ticketId: null });
    for (const index of [4, 10, lastDot + 1, lastDot + 20, code.length - 2]) {
      expect(decide(changeAt(code, index))).toEqual({ result: 'invalid', ticketId: null });
    }
  });

  it('refuses as invalid a signature spelled other than the one way the server accepts, though it decodes to the same bytes', () => {
    const code = CURRENT_KEY.code('ticket-1');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 64 bytes take 86 characters: the last one carries 2 bits of the signature and 4 spare ones.
    const respelled = code.slice(0, -1) + alphabet[alphabet.indexOf(code.at(-1)!) ^ 1];
    expect(Buffer.from(respelled.split('.')[4]!, 'base64url')).toEqual(Buffer.from(code.split('.')[4]!, 'base64url'));
    expect(decide(respelled)).toEqual({ result: 'invalid', ticketId: null });
  });

  it('refuses as invalid a code signed by a key the kit does not have, even under a key id it knows', () => {
    expect(decide(new SigningKey('k9').code('ticket-1'))).toEqual({ result: 'invalid', ticketId: null });
    // Someone with their own key, claiming to be the current one.
    expect(decide(new SigningKey(CURRENT_KEY.kid).code('ticket-1'))).toEqual({ result: 'invalid', ticketId: null });
  });

  it('refuses as invalid what is not a ticket code at all, or a truncated one', () => {
    const code = CURRENT_KEY.code('ticket-1');
    for (const text of [
      '',
      'hello',
      'https://eventify.dev/e/event-1',
      'ET2.ticket-1.event-1.k2',
      'ET2..event-1.k2.sig',
      `${code}.extra`,
      code.slice(0, -10),
      code.replace(/\.[^.]+$/, '.not+base64url!'),
    ]) {
      expect(decide(text)).toEqual({ result: 'invalid', ticketId: null });
    }
  });

  it('says a ticket of another event is for another event', () => {
    expect(decide(CURRENT_KEY.code('ticket-9', 'event-2'))).toEqual({ result: 'wrong_event', ticketId: 'ticket-9' });
  });

  it('refuses a cancelled ticket, even one that got someone in before it was cancelled', () => {
    expect(decide(CURRENT_KEY.code('ticket-7'))).toEqual({ result: 'cancelled', ticketId: 'ticket-7' });
    const usedThenCancelled = doorKit({ cancelled: ['ticket-8'], checkedIn: kit.checkedIn });
    expect(decide(CURRENT_KEY.code('ticket-8'), {}, usedThenCancelled)).toEqual({ result: 'cancelled', ticketId: 'ticket-8' });
  });

  it('says a ticket the kit lists as checked in is already used, with when and where', () => {
    expect(decide(CURRENT_KEY.code('ticket-8'))).toEqual({
      result: 'already_used',
      ticketId: 'ticket-8',
      firstAt: '2027-05-01T17:02:00.000Z',
      firstGate: 'Side door',
    });
  });

  it('says a ticket this scanner admitted is already used, with its own time and gate', () => {
    const admitted = { 'ticket-1': { at: '2027-05-01T17:10:00.000Z', gate: 'Main entrance' } };
    expect(decide(CURRENT_KEY.code('ticket-1'), admitted)).toEqual({
      result: 'already_used',
      ticketId: 'ticket-1',
      firstAt: '2027-05-01T17:10:00.000Z',
      firstGate: 'Main entrance',
    });
    expect(decide(CURRENT_KEY.code('ticket-2'), admitted)).toEqual({ result: 'admitted', ticketId: 'ticket-2' });
  });

  it('leaves older ET1 codes, and every code while there is no kit, to be checked online', () => {
    expect(decide('ET1.ticket-6.event-1.c2lnbmVkLWJ5LXRoZS1zZXJ2ZXI')).toEqual({ result: 'needs_network', ticketId: 'ticket-6' });
    expect(decide(CURRENT_KEY.code('ticket-1'), {}, null)).toEqual({ result: 'needs_network', ticketId: 'ticket-1' });
    // Without a kit, nothing is known about validity: not even a changed code is called invalid, nor a valid one admitted.
    expect(decide(CURRENT_KEY.code('ticket-1').replace('.ticket-1.', '.ticket-2.'), {}, null)).toEqual({
      result: 'needs_network',
      ticketId: 'ticket-2',
    });
  });
});

describe('Ticket codes', () => {
  it('reads the parts of an ET2 code and the text its signature covers', () => {
    const code = CURRENT_KEY.code('ticket-1');
    expect(parseCode(code)).toEqual({
      version: 'ET2',
      ticketId: 'ticket-1',
      eventId: 'event-1',
      kid: 'k2',
      signed: 'ET2.ticket-1.event-1.k2',
      signature: code.split('.')[4],
    });
    expect(parseCode('ET1.ticket-6.event-1.mac')).toEqual({ version: 'ET1', ticketId: 'ticket-6', eventId: 'event-1' });
    expect(parseCode('ET3.ticket-1.event-1.k2.sig')).toBeNull();
  });

  it('checks a signature against the key of its key id only', () => {
    const parsed = parseCode(RETIRED_KEY.code('ticket-1'));
    expect(parsed?.version).toBe('ET2');
    if (parsed?.version !== 'ET2') return;
    expect(signedByKit(parsed, { keys: [{ kid: 'k1', publicKey: RETIRED_KEY.publicKey }] })).toBe(true);
    expect(signedByKit(parsed, { keys: [{ kid: 'k1', publicKey: CURRENT_KEY.publicKey }] })).toBe(false);
    expect(signedByKit(parsed, { keys: [{ kid: 'k2', publicKey: RETIRED_KEY.publicKey }] })).toBe(false);
    // A key of the wrong length is no key.
    expect(signedByKit(parsed, { keys: [{ kid: 'k1', publicKey: RETIRED_KEY.publicKey.slice(0, 20) }] })).toBe(false);
  });
});
