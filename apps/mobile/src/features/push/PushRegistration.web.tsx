/** The web build gets its news in the inbox; browser push is not offered. */
export function PushRegistration() {
  return null;
}
