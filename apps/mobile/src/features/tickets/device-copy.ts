import type { PublicEvent, Ticket } from '@eventify/contracts';
import { deviceStore } from '@/storage';

/** What a ticket needs of its event to be shown at the door without a network. */
export interface EventSummary {
  id: string;
  title: string;
  startsAt: string;
  timeZone: string;
  venue: { name: string; city: string };
}

export interface TicketWallet {
  tickets: Ticket[];
  events: Record<string, EventSummary>;
  /** When this copy was fetched from Eventify. */
  savedAt: string;
}

export const summarise = (event: PublicEvent): EventSummary => ({
  id: event.id,
  title: event.title,
  startsAt: event.startsAt,
  timeZone: event.timeZone,
  venue: { name: event.venue.name, city: event.venue.city },
});

const keyOf = (userId: string) => `eventify.tickets.v1.${userId}`;

/**
 * The person's tickets as last seen, kept on this device so they open at the door with no network. One copy
 * per account; signing out deletes it. QR payloads are not secrets to this device's owner: they are the ticket.
 */
export const ticketWallet = {
  read: (userId: string) => deviceStore.read<TicketWallet>(keyOf(userId)),
  save: (userId: string, wallet: TicketWallet) => deviceStore.write(keyOf(userId), wallet),
  forget: (userId: string) => deviceStore.remove(keyOf(userId)),
};
