import { z } from 'zod';

/** Roles a user can hold. A user may hold several (an organizer is also an attendee). */
export const ROLES = ['attendee', 'organizer', 'staff', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** Roles a person may choose for themselves at registration; the rest are granted by an admin. */
export const SELF_SERVICE_ROLES = ['attendee', 'organizer'] as const;
