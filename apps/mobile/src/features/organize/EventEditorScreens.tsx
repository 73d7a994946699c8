import { Stack, useLocalSearchParams, useRouter } from 'expo-router';
import { useState } from 'react';
import type { OwnedEvent } from '@eventify/contracts';
import { fieldErrorsOf } from '@/ui/FormError';
import { Screen } from '@/ui/Screen';
import { ErrorState, Loading, Notice } from '@/ui/States';
import { draftFromEvent, emptyDraft, toEventInput, type EventDraft } from './event-draft';
import { EventForm } from './EventForm';
import { useCreateEvent, useOwnedEvent, useUpdateEvent } from './api';

/** The form's own errors first; once it sends, the server's field errors. */
function useDraftSubmit() {
  const [local, setLocal] = useState<Record<string, string>>({});
  const check = (draft: EventDraft) => {
    const { input, errors } = toEventInput(draft);
    setLocal(errors);
    return input;
  };
  return { local, check };
}

export function NewEventScreen() {
  const router = useRouter();
  const create = useCreateEvent();
  const { local, check } = useDraftSubmit();
  return (
    <Screen>
      <Stack.Screen options={{ title: 'New event' }} />
      <Notice>Save it as a draft, then submit it for review. It goes on sale once an admin approves it.</Notice>
      <EventForm
        initial={emptyDraft()}
        submitLabel="Save draft"
        busy={create.isPending}
        fieldErrors={{ ...fieldErrorsOf(create.error), ...local }}
        error={create.error}
        onSubmit={(draft) => {
          const input = check(draft);
          if (input) create.mutate(input, { onSuccess: (event) => router.replace(`/organize/${event.id}`) });
        }}
      />
    </Screen>
  );
}

export function EditEventScreen() {
  const { id } = useLocalSearchParams<{ id: string }>();
  const event = useOwnedEvent(id);
  if (event.isPending) return <Loading label="Loading your event…" />;
  if (event.isError) return <ErrorState error={event.error} onRetry={() => void event.refetch()} />;
  return <EditEvent event={event.data} />;
}

function EditEvent({ event }: { event: OwnedEvent }) {
  const router = useRouter();
  const update = useUpdateEvent(event.id);
  const { local, check } = useDraftSubmit();
  return (
    <Screen>
      <Stack.Screen options={{ title: `Edit ${event.title}` }} />
      {event.status === 'published' ? (
        <Notice tone="warning">
          This event is on sale. A new date, time or venue is sent to everyone holding a ticket. Tiers with sales keep their price, and
          their capacity cannot go below what is sold.
        </Notice>
      ) : null}
      {event.status === 'rejected' && event.rejection ? (
        <Notice tone="warning">{`Sent back by the reviewer: ${event.rejection.reason}`}</Notice>
      ) : null}
      <EventForm
        initial={draftFromEvent(event)}
        submitLabel="Save changes"
        busy={update.isPending}
        fieldErrors={{ ...fieldErrorsOf(update.error), ...local }}
        error={update.error}
        onSubmit={(draft) => {
          const input = check(draft);
          if (input) update.mutate(input, { onSuccess: () => router.back() });
        }}
      />
    </Screen>
  );
}
