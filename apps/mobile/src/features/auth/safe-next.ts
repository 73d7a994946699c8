/** Where to go after signing in: only a path inside the app, never another site (an open redirect). */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?!\/)[\w\-/?=&%.]*$/.test(next) ? next : '/';
}
