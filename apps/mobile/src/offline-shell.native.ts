export function registerOfflineShell(): void {}
