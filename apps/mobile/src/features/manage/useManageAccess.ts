import { useSession } from '@/features/auth/session';
import { useStaffedEvents } from '@/features/door/api';

/** Door staff are named per event, not by a role: anyone with an event to scan for may scan. */
export function useCanScan(): boolean {
  const { status, user } = useSession();
  const privileged = !!user?.roles.some((role) => role === 'organizer' || role === 'admin' || role === 'staff');
  const staffed = useStaffedEvents(status === 'signedIn' && !privileged);
  return privileged || (staffed.data?.pages[0]?.items.length ?? 0) > 0;
}

/** Whether the Manage tab has anything for this person. */
export function useHasManage(): boolean {
  const canScan = useCanScan();
  const { user } = useSession();
  return canScan || !!user?.roles.some((role) => role === 'organizer' || role === 'admin');
}
