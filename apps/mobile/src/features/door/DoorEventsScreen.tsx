import { formatEventDate } from '@/ui/format';
import { LinkRow } from '@/ui/LinkRow';
import { PagedList } from '@/ui/PagedList';
import { EmptyState } from '@/ui/States';
import { useStaffedEvents } from './api';

/** The events this person scans for: pick one to open its scanner. */
export function DoorEventsScreen() {
  return (
    <PagedList
      query={useStaffedEvents()}
      keyOf={(e) => e.id}
      renderItem={(event) => (
        <LinkRow
          href={{ pathname: '/door/[eventId]', params: { eventId: event.id, title: event.title } }}
          label={`Scan tickets for ${event.title}`}
          title={event.title}
          details={[`${formatEventDate(event.startsAt, event.timeZone)} · ${event.venue.name}`]}
          testID="door-event"
        />
      )}
      loadingLabel="Loading your events…"
      errorTitle="Your events did not load"
      empty={<EmptyState title="No events to scan for" body="An organizer names you door staff of their event by your e-mail address." />}
    />
  );
}
