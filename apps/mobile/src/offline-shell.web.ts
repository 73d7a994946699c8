/** Registers the service worker of an exported build (absent in `expo start`, where files change as you edit). */
export function registerOfflineShell(): void {
  if (process.env.NODE_ENV !== 'production' || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  const register = () => {
    navigator.serviceWorker.register('/sw.js').catch((error: unknown) => console.warn('Offline support is not available:', error));
  };
  // After the page has loaded, so that caching the app does not compete with showing it.
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
