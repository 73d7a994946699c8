import assert from 'node:assert/strict';
import { it } from 'node:test';
import { TicketCodes, ticketIdFor } from '../src/domain/ticket-code.js';

const codes = new TicketCodes('a-test-secret-that-is-long-enough-0123');

it('reads back what it signed, and nothing that was changed or signed with another secret', () => {
  const code = codes.sign({ ticketId: ticketIdFor('booking-1', 1), eventId: 'event-1' });
  assert.deepEqual(codes.verify(code), { ticketId: ticketIdFor('booking-1', 1), eventId: 'event-1' });
  assert.equal(codes.verify(code.replace('event-1', 'event-2')), undefined);
  assert.equal(codes.verify(code.replace(ticketIdFor('booking-1', 1), ticketIdFor('booking-1', 2))), undefined);
  assert.equal(codes.verify(new TicketCodes('another-secret-that-is-long-enough-99').sign({ ticketId: 't', eventId: 'e' })), undefined);
  for (const garbage of ['', 'ET1', 'ET1.a.b', 'ET2.a.b.cccccccccccccccccccccc', 'ET1.a.b.not-a-signature', `${code}.extra`]) {
    assert.equal(codes.verify(garbage), undefined, garbage);
  }
});

it('gives every seat of a booking its own stable ticket id', () => {
  assert.equal(ticketIdFor('b', 1), ticketIdFor('b', 1));
  assert.notEqual(ticketIdFor('b', 1), ticketIdFor('b', 2));
  assert.notEqual(ticketIdFor('b', 1), ticketIdFor('c', 1));
});
