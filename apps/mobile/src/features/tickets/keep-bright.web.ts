/** Browsers do not let a page change the screen's brightness. */
export function useKeepBright(): void {}
