import { userEvent } from '@testing-library/react-native';
import { act, screen, waitFor } from 'expo-router/testing-library';
import type { OfflineCheckIns, ScanAnswer } from '@eventify/contracts';
import { ApiServer, problem } from '../../../test/api-server';
import { deviceNetwork } from '../../../test/device-network';
import { CURRENT_KEY, doorKit, RETIRED_KEY, SigningKey } from '../../../test/door-kit';
import { account, scanAnswer, session, ticket } from '../../../test/fixtures';
import { renderApp, signInThroughUi } from '../../../test/render';
import { doorStore } from './door-store';

const api = new ApiServer();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => {
  api.reset();
  // Every test starts with the phone on a network.
  act(() => deviceNetwork(true));
  api.on('GET /entry/events/event-1/door-kit', { body: doorKit() });
});

const SCANNER = '/door/event-1';
type User = ReturnType<typeof userEvent.setup>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Door staff open the scanner of the event; it has its door kit once it says how old it is. */
async function openScanner() {
  const user = await signInThroughUi(api, SCANNER, account('staff'));
  expect(await screen.findByText(/^Door kit from May 1, 06:00 PM\./)).toBeOnTheScreen();
  return user;
}

/** Type (paste) a ticket's code and check it, as when the camera cannot read it: the answer fills the screen. */
async function scan(user: User, code: string) {
  await user.paste(screen.getByLabelText('Ticket code'), code);
  await user.press(screen.getByRole('button', { name: 'Check code' }));
  return screen.findByRole('button', { name: /Tap for the next ticket\.$/ });
}

/** Tap the answer away, for the next ticket. */
async function next(user: User, answer: Awaited<ReturnType<typeof scan>>) {
  await user.press(answer);
  await waitFor(() => expect(screen.queryByTestId('scan-result')).not.toBeOnTheScreen());
}

/** No signal: nothing reaches Eventify, and the phone says its network is gone. */
function loseSignal() {
  api.goOffline();
  act(() => deviceNetwork(false));
}

const kitStatus = () => screen.getByTestId('door-status');

describe('Door scanner', () => {
  it('asks the server about each code and shows its answer in a word, with the gate it was scanned at', async () => {
    api.on('POST /entry/scan', { body: scanAnswer() });
    const user = await openScanner();
    expect(screen.getByText('Online: the server decides every scan.')).toBeOnTheScreen();
    expect(screen.getByRole('button', { name: 'Check code' })).toBeDisabled();

    const code = CURRENT_KEY.code('ticket-1');
    const answer = await scan(user, code);
    expect(answer).toHaveAccessibleName('ADMITTED. Let them in. Tap for the next ticket.');
    expect(screen.queryByText('Decided offline from the door kit.')).toBeNull();
    expect(api.called('POST /entry/scan').map((r) => r.body)).toEqual([
      { qr: code, gate: 'Main entrance', eventId: 'event-1', scannerId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    ]);
    expect(api.called('POST /entry/scan')[0]!.headers.authorization).toBe('Bearer access-1');
    // The field is empty again, ready for the next code.
    expect(screen.getByLabelText('Ticket code')).toHaveDisplayValue('');

    await next(user, answer);
    expect(screen.getByRole('button', { name: 'Check code' })).toBeDisabled();
  });

  it.each<[string, ScanAnswer, string]>([
    [
      'already used',
      scanAnswer({ result: 'already_used', checkedInAt: '2027-05-01T17:02:00.000Z', gate: 'Side door' }),
      'ALREADY USED. First admitted at 07:02 PM · Side door. Tap for the next ticket.',
    ],
    ['invalid', { result: 'invalid' }, 'INVALID. Not an Eventify ticket, or it was altered. Tap for the next ticket.'],
    [
      'wrong event',
      { result: 'wrong_event', ticket: ticket(1, { eventId: 'event-2' }) },
      'WRONG EVENT. This ticket is for another event. Tap for the next ticket.',
    ],
    [
      'cancelled',
      { result: 'cancelled', ticket: ticket(1, { status: 'cancelled', qr: null }) },
      'CANCELLED. This ticket was cancelled and gets nobody in. Tap for the next ticket.',
    ],
  ])('shows the server\'s "%s" as a word, saying what it means', async (_, answer, words) => {
    api.on('POST /entry/scan', { body: answer });
    const user = await openScanner();
    expect(await scan(user, CURRENT_KEY.code('ticket-1'))).toHaveAccessibleName(words);
    expect(screen.queryByText(/waiting to upload/)).toBeNull();
  });

  it('says why when the server refuses to check a code, and admits nobody', async () => {
    api.on('POST /entry/scan', problem(403, 'You are not door staff of this event.', { code: 'forbidden' }));
    const user = await openScanner();
    await user.paste(screen.getByLabelText('Ticket code'), CURRENT_KEY.code('ticket-1'));
    await user.press(screen.getByRole('button', { name: 'Check code' }));
    expect(await screen.findByText('You are not door staff of this event.')).toBeOnTheScreen();
    expect(screen.queryByTestId('scan-result')).toBeNull();
    // Refused is not unreachable: the server still decides.
    expect(screen.getByText('Online: the server decides every scan.')).toBeOnTheScreen();
  });

  it('records scans at the gate set on this device, and remembers it', async () => {
    api.on('POST /entry/scan', { body: scanAnswer({ gate: 'Side door' }) });
    const user = await openScanner();
    await user.press(screen.getByRole('button', { name: 'Gate: Main entrance. Change gate' }));
    await user.paste(screen.getByLabelText('Gate'), 'Side door');
    expect(await screen.findByRole('button', { name: 'Gate: Side door. Change gate' })).toBeOnTheScreen();
    await scan(user, CURRENT_KEY.code('ticket-1'));
    expect(api.called('POST /entry/scan').map((r) => (r.body as { gate: string }).gate)).toEqual(['Side door']);

    screen.unmount();
    api.on('POST /auth/refresh', { body: session({ user: account('staff') }) });
    renderApp(SCANNER);
    expect(await screen.findByRole('button', { name: 'Gate: Side door. Change gate' })).toBeOnTheScreen();
  });

  it('records scans at the main entrance while the gate is left blank, as the server needs one', async () => {
    // As the gateway does: a gate of 1 to 40 characters, or the request is refused.
    const gateOf = (body: unknown) => (body as { gate: string }).gate.trim();
    api.on('POST /entry/scan', ({ body }) =>
      gateOf(body)
        ? { body: scanAnswer() }
        : problem(400, 'The request is not valid.', { errors: [{ field: 'body.gate', message: 'must not be empty' }] }),
    );
    const user = await openScanner();
    await user.press(screen.getByRole('button', { name: 'Gate: Main entrance. Change gate' }));
    await user.paste(screen.getByLabelText('Gate'), '   ');
    expect(await screen.findByRole('button', { name: 'Gate: Main entrance. Change gate' })).toBeOnTheScreen();
    expect(await scan(user, CURRENT_KEY.code('ticket-1'))).toHaveAccessibleName('ADMITTED. Let them in. Tap for the next ticket.');
    expect(api.called('POST /entry/scan').map((r) => gateOf(r.body))).toEqual(['Main entrance']);
    // A gate name is kept short enough for the server.
    await user.press(screen.getByRole('button', { name: 'Gate: Main entrance. Change gate' }));
    expect(screen.getByLabelText('Gate')).toHaveProp('maxLength', 40);
  });

  it('uploads a long stretch of offline admissions in requests of at most 1000, as the server takes them', async () => {
    // A scanner that admitted 1001 people offline and was then closed; it opens again with a network.
    const pending = Array.from({ length: 1001 }, (_, i) => ({
      qr: CURRENT_KEY.code(`ticket-${i}`),
      gate: 'Main entrance',
      scannedAt: '2027-05-01T17:00:00.000Z',
      scannerId: 'scanner-1',
    }));
    await doorStore.write('event-1', { kit: doorKit(), admitted: {}, pending });
    api.on('POST /entry/events/event-1/check-ins', ({ body }) => {
      const { checkIns } = body as OfflineCheckIns;
      if (checkIns.length > 1000)
        return problem(400, 'The request is not valid.', {
          errors: [{ field: 'body.checkIns', message: 'must contain at most 1000 items' }],
        });
      return { body: { results: checkIns.map((c) => ({ ticketId: c.qr.split('.')[1]!, outcome: 'recorded' as const })) } };
    });
    await signInThroughUi(api, SCANNER, account('staff'));

    await waitFor(() => expect(kitStatus()).toHaveTextContent(/^Online: the server decides every scan\.Door kit from May 1, 06:00 PM\.$/));
    const uploads = api.called('POST /entry/events/event-1/check-ins').map((r) => (r.body as OfflineCheckIns).checkIns);
    expect(uploads.map((checkIns) => checkIns.length)).toEqual([1000, 1]);
    expect(uploads.flat().map((c) => c.qr)).toEqual(pending.map((p) => p.qr));
    expect(screen.queryByText('The request is not valid.')).toBeNull();
  });

  it('admits valid codes from the door kit when the server cannot be reached, a retired key included, and queues them', async () => {
    const user = await openScanner();
    loseSignal();

    let answer = await scan(user, CURRENT_KEY.code('ticket-1'));
    expect(answer).toHaveAccessibleName('ADMITTED. Let them in. Tap for the next ticket.');
    expect(screen.getByText('Decided offline from the door kit.')).toBeOnTheScreen();
    expect(screen.getByText('Offline: deciding from the door kit.')).toBeOnTheScreen();
    expect(kitStatus()).toHaveTextContent(/1 admission waiting to upload\./);
    await next(user, answer);

    // Signed before the keys were rotated: the kit still has that key.
    answer = await scan(user, RETIRED_KEY.code('ticket-2'));
    expect(answer).toHaveAccessibleName('ADMITTED. Let them in. Tap for the next ticket.');
    expect(kitStatus()).toHaveTextContent(/2 admissions waiting to upload\./);
    await next(user, answer);

    // The same ticket again, at this door: it got someone in already.
    answer = await scan(user, CURRENT_KEY.code('ticket-1'));
    expect(answer).toHaveAccessibleName(/^ALREADY USED\. First admitted at \d\d:\d\d [AP]M · Main entrance\./);
    expect(screen.getByText('Decided offline from the door kit.')).toBeOnTheScreen();
    expect(kitStatus()).toHaveTextContent(/2 admissions waiting to upload\./);
    expect(api.called('POST /entry/events/event-1/check-ins')).toHaveLength(0);
  });

  it("refuses, from the door kit, altered and unknown-key codes, cancelled and used tickets, another event's, and asks to check an older code online", async () => {
    api.on('GET /entry/events/event-1/door-kit', {
      body: doorKit({ cancelled: ['ticket-7'], checkedIn: [{ ticketId: 'ticket-8', at: '2027-05-01T17:02:00.000Z', gate: 'Side door' }] }),
    });
    const user = await openScanner();
    loseSignal();

    const refusals: [string, string][] = [
      // One character of the signed text changed: the signature no longer fits.
      [
        CURRENT_KEY.code('ticket-3').replace('.ticket-3.', '.ticket-4.'),
        'INVALID. Not an Eventify ticket, or it was altered. Tap for the next ticket.',
      ],
      [new SigningKey('k9').code('ticket-5'), 'INVALID. Not an Eventify ticket, or it was altered. Tap for the next ticket.'],
      [CURRENT_KEY.code('ticket-7'), 'CANCELLED. This ticket was cancelled and gets nobody in. Tap for the next ticket.'],
      [CURRENT_KEY.code('ticket-8'), 'ALREADY USED. First admitted at 07:02 PM · Side door. Tap for the next ticket.'],
      [CURRENT_KEY.code('ticket-9', 'event-2'), 'WRONG EVENT. This ticket is for another event. Tap for the next ticket.'],
      [
        'ET1.ticket-6.event-1.c2lnbmVkLWJ5LXRoZS1zZXJ2ZXI',
        'CHECK ONLINE. Only the server can check this one: an older ticket, or no door kit here yet. Tap for the next ticket.',
      ],
    ];
    for (const [code, words] of refusals) {
      const answer = await scan(user, code);
      expect(answer).toHaveAccessibleName(words);
      expect(screen.getByText('Decided offline from the door kit.')).toBeOnTheScreen();
      await next(user, answer);
    }
    expect(screen.queryByText(/waiting to upload/)).toBeNull();
    expect(api.called('POST /entry/scan')).toHaveLength(0);
  });

  it('uploads the admissions made offline as soon as the network is back, and says when another gate admitted one first', async () => {
    const user = await openScanner();
    loseSignal();
    const first = CURRENT_KEY.code('ticket-1');
    const second = CURRENT_KEY.code('ticket-2');
    await next(user, await scan(user, first));
    await next(user, await scan(user, second));
    expect(kitStatus()).toHaveTextContent(/2 admissions waiting to upload\./);

    api.on('POST /entry/events/event-1/check-ins', {
      body: {
        results: [
          { ticketId: 'ticket-1', outcome: 'recorded' },
          { ticketId: 'ticket-2', outcome: 'conflict', firstAt: '2027-05-01T17:01:00.000Z', firstGate: 'Side door' },
        ],
      },
    });
    api.goOnline();
    act(() => deviceNetwork(true));

    expect(await screen.findByText('Online: the server decides every scan.')).toBeOnTheScreen();
    await waitFor(() => expect(kitStatus()).toHaveTextContent(/1 conflict with other gates\./));
    expect(kitStatus()).not.toHaveTextContent(/waiting to upload/);
    const uploads = api.called('POST /entry/events/event-1/check-ins');
    expect(uploads).toHaveLength(1);
    const { checkIns } = uploads[0]!.body as { checkIns: { qr: string; gate: string; scannedAt: string; scannerId: string }[] };
    expect(checkIns).toEqual([
      { qr: first, gate: 'Main entrance', scannedAt: expect.any(String), scannerId: expect.stringMatching(UUID) },
      { qr: second, gate: 'Main entrance', scannedAt: expect.any(String), scannerId: checkIns[0]!.scannerId },
    ]);
    expect(Date.parse(checkIns[0]!.scannedAt)).toBeLessThanOrEqual(Date.parse(checkIns[1]!.scannedAt));
    // Then a fresh kit.
    expect(api.called('GET /entry/events/event-1/door-kit').length).toBeGreaterThanOrEqual(2);
  });

  it('uploads what it admitted offline once the server answers a scan again, even when the phone never lost its network', async () => {
    const user = await openScanner();
    // The venue's Wi-Fi is up, but Eventify cannot be reached through it.
    api.goOffline();
    const offline = CURRENT_KEY.code('ticket-1');
    await next(user, await scan(user, offline));
    expect(kitStatus()).toHaveTextContent(/1 admission waiting to upload\./);

    api.on('POST /entry/scan', { body: scanAnswer({ ticket: ticket(2) }) });
    api.on('POST /entry/events/event-1/check-ins', { body: { results: [{ ticketId: 'ticket-1', outcome: 'recorded' }] } });
    api.goOnline();
    const answer = await scan(user, CURRENT_KEY.code('ticket-2'));
    expect(answer).toHaveAccessibleName('ADMITTED. Let them in. Tap for the next ticket.');
    expect(screen.queryByText('Decided offline from the door kit.')).toBeNull();

    await waitFor(() => expect(kitStatus()).not.toHaveTextContent(/waiting to upload/));
    expect(
      api.called('POST /entry/events/event-1/check-ins').map((r) => (r.body as { checkIns: { qr: string }[] }).checkIns.map((c) => c.qr)),
    ).toEqual([[offline]]);
  });

  it('uploads each offline admission once, even when a scan is answered while the upload is under way', async () => {
    const user = await openScanner();
    loseSignal();
    const offline = CURRENT_KEY.code('ticket-1');
    await next(user, await scan(user, offline));

    // Back online; the upload takes a moment, and a scan is answered just after it.
    api.on('POST /entry/events/event-1/check-ins', { delayMs: 300, body: { results: [{ ticketId: 'ticket-1', outcome: 'recorded' }] } });
    api.on('POST /entry/scan', { delayMs: 900, body: scanAnswer({ ticket: ticket(2) }) });
    api.goOnline();
    act(() => deviceNetwork(true));
    const answer = await scan(user, CURRENT_KEY.code('ticket-2'));
    expect(answer).toHaveAccessibleName('ADMITTED. Let them in. Tap for the next ticket.');

    await waitFor(() => expect(kitStatus()).not.toHaveTextContent(/waiting to upload/));
    expect(api.called('POST /entry/events/event-1/check-ins')).toHaveLength(1);
  });

  it('keeps its queue and its kit through a restart without a network', async () => {
    const user = await openScanner();
    loseSignal();
    const code = CURRENT_KEY.code('ticket-1');
    await next(user, await scan(user, code));
    screen.unmount();

    renderApp(SCANNER);
    expect(await screen.findByText('Offline: deciding from the door kit.')).toBeOnTheScreen();
    expect(kitStatus()).toHaveTextContent(/^.*Door kit from May 1, 06:00 PM\. 1 admission waiting to upload\./);
    const again = await scan(user, code);
    expect(again).toHaveAccessibleName(/^ALREADY USED\. First admitted at \d\d:\d\d [AP]M · Main entrance\./);
  });

  it('says it has no door kit yet when it opens without a network, and sends every code to be checked online', async () => {
    // Signed in before, on this phone; the scanner is opened for the first time at the door, without a signal.
    await signInThroughUi(api, '/manage', account('staff'));
    expect(await screen.findByRole('heading', { name: 'Manage' })).toBeOnTheScreen();
    screen.unmount();
    loseSignal();

    renderApp(SCANNER);
    expect(await screen.findByText('Offline: deciding from the door kit.')).toBeOnTheScreen();
    expect(kitStatus()).toHaveTextContent(/No door kit yet: scanning needs the network until it arrives\.$/);
    const answer = await scan(userEvent.setup(), CURRENT_KEY.code('ticket-1'));
    expect(answer).toHaveAccessibleName(
      'CHECK ONLINE. Only the server can check this one: an older ticket, or no door kit here yet. Tap for the next ticket.',
    );
    expect(screen.queryByText(/waiting to upload/)).toBeNull();
  });

  it('says why when the door kit is refused, and keeps scanning online', async () => {
    api.on('GET /entry/events/event-1/door-kit', problem(403, 'You are not door staff of this event.', { code: 'forbidden' }));
    await signInThroughUi(api, SCANNER, account('staff'));
    expect(await screen.findByText('You are not door staff of this event.')).toBeOnTheScreen();
    expect(kitStatus()).toHaveTextContent(/No door kit yet: scanning needs the network until it arrives\.$/);
    expect(screen.getByText('Online: the server decides every scan.')).toBeOnTheScreen();
  });
});
