import type { EventBus } from '@eventify/kit';
import type { DoorStaff } from '../domain/door-staff.js';
import type { Events } from '../domain/events.js';

export function subscribeEventServiceEvents(bus: EventBus, events: Events, staff: DoorStaff): void {
  // Review decisions move the event; each is applied once, only to the submission it was about.
  bus.subscribe('EventApproved', async ({ data }) => events.approve(data));
  bus.subscribe('EventRejected', async ({ data }) => events.reject(data));
  // Someone named door staff by e-mail before they had an account can scan from now on.
  bus.subscribe('UserRegistered', async ({ data }) => staff.registered(data));
}
