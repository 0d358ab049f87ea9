import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request that went through a delay proxy. */
export interface ProxiedRequest {
  headers: IncomingHttpHeaders;
  /** When its headers arrived, as a tick of the clock every delay proxy in this process shares (see {@link inFlightTogether}). */
  arrived: number;
  /** When the proxy had the whole answer and passed on its end; `undefined` while it is in flight. */
  answered: number | undefined;
}

/** A loopback HTTP proxy that holds every request `delayMs` before forwarding it. */
export interface DelayProxy {
  url: string;
  /** The headers of every request it forwarded, oldest first. */
  seen: IncomingHttpHeaders[];
  /** Every request it received, oldest first, with when it arrived and when it was answered. */
  requests: ProxiedRequest[];
  /**
   * Holds every request from now on, arrived or arriving, until the returned function is called (after
   * which each goes on with its delay). A test holds a subgraph to keep requests in flight while it
   * checks, by a bounded poll, that the others it expects have arrived: overlap by construction, not by
   * a delay long enough on a quiet machine. `close` releases what is held.
   */
  hold(): () => void;
  close(): Promise<void>;
}

/**
 * The clock of every delay proxy in this process: a count of the arrivals and answers they have seen,
 * not time. Two proxies' requests are ordered by it whatever the load on the machine, where timestamps
 * only order them as well as the clock's resolution and a descheduled process allow.
 */
let ticks = 0;

/**
 * Whether `a` and `b` were both in flight at one moment, as the proxies saw them: each arrived before
 * the other was answered. A caller that sends `b` only once it has `a`'s answer can never make this
 * true: the proxy records the answer before passing on its last byte.
 */
export function inFlightTogether(a: ProxiedRequest, b: ProxiedRequest): boolean {
  return a.arrived < (b.answered ?? Infinity) && b.arrived < (a.answered ?? Infinity);
}

/**
 * Starts a proxy in front of `target` (a subgraph's GraphQL URL) that adds `delayMs` to every request,
 * to stand for a subgraph on another machine. Listens on 127.0.0.1 only. The delay widens the window
 * in which requests overlap; what a test asserts about overlap it reads from `requests`, never from
 * how long anything took.
 */
export async function startDelayProxy(target: string, delayMs: number): Promise<DelayProxy> {
  const upstream = new URL(target);
  const seen: IncomingHttpHeaders[] = [];
  const requests: ProxiedRequest[] = [];
  // While held: the requests waiting for the release, each as the function that sends it on.
  let held: Array<() => void> | undefined;
  const release = () => {
    const waiting = held ?? [];
    held = undefined;
    for (const send of waiting) send();
  };
  const server: Server = createServer((req, res) => {
    const proxied: ProxiedRequest = { headers: req.headers, arrived: ++ticks, answered: undefined };
    const answer = () => {
      proxied.answered ??= ++ticks;
    };
    requests.push(proxied);
    seen.push(req.headers);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const send = () => setTimeout(() => {
        const forward = request(
          { host: upstream.hostname, port: upstream.port, path: upstream.pathname + (req.url?.includes('?') ? req.url.slice(req.url.indexOf('?')) : ''), method: req.method, headers: req.headers },
          (upstreamRes) => {
            res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
            // Before pipe's own 'end' listener ends `res`: the caller cannot have the answer yet.
            upstreamRes.prependListener('end', answer);
            upstreamRes.pipe(res);
          },
        );
        forward.on('error', () => {
          answer();
          res.writeHead(502);
          res.end();
        });
        forward.end(Buffer.concat(chunks));
      }, delayMs);
      if (held) held.push(send);
      else send();
    });
    res.on('close', answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    seen,
    requests,
    hold: () => {
      held ??= [];
      return release;
    },
    close: () =>
      new Promise((resolve) => {
        release();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
