-- The payments of one event, newest first (the organizer's list, paged by created_at and id).
create index payments_event on payments (event_id, created_at desc, id desc);
