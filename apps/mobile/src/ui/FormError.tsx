import { describeError, isApiError } from '@/api/errors';
import { Notice } from './States';

/** Field errors go beside their fields (TextField `error`); every other failure of a form is said here, in words. */
export function FormError({ error, testID, override }: { error: unknown; testID?: string; override?: string | null }) {
  if (!error || (isApiError(error) && Object.keys(error.fieldErrors).length > 0)) return null;
  return (
    <Notice tone="danger" testID={testID}>
      {override ?? describeError(error)}
    </Notice>
  );
}

/** The server's words for each field of a failed form (`email`, `venue.city`, …). */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  return isApiError(error) ? error.fieldErrors : {};
}
