/**
 * The web build keeps working without a network: a service worker (generated at build time by
 * scripts/build-web.mjs with Workbox) serves the app's own files from the browser's cache. Phones need none.
 */
export declare function registerOfflineShell(): void;
