import type { ClientRequest } from 'node:http';

/**
 * Writes `size` filler bytes (`x`) to a request body in 64 KiB chunks, waiting for the socket to drain
 * between them as a streaming upload does, then ends the request. For tests of body limits.
 */
export function writeFiller(req: ClientRequest, size: number): void {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let sent = 0;
  const pump = () => {
    while (sent < size) {
      const part = chunk.subarray(0, Math.min(chunk.length, size - sent));
      sent += part.length;
      if (!req.write(part)) return void req.once('drain', pump);
    }
    req.end();
  };
  pump();
}
