/** A worker asks the primary for the whole cluster's metrics with this; the reply carries `text`. */
export const metricsRequest = 'fedstack:metrics';
export const metricsReply = 'fedstack:metrics:reply';

/** The message the primary sends a worker to make it stop gracefully. */
export const shutdownMessage = { type: 'fedstack:shutdown' } as const;

/** True for {@link shutdownMessage}. */
export function isShutdownMessage(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === shutdownMessage.type;
}
