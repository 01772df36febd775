/**
 * The two Electron IPC channels between the preload and the main process. Every contract channel travels
 * inside `bd:invoke` (its name is an argument), so the main process has one handler to guard, not one per
 * channel.
 */
export const IPC_INVOKE = 'bd:invoke';
export const IPC_CHANGE = 'bd:change';
