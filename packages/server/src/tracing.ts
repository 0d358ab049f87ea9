import { randomFillSync } from 'node:crypto';

/**
 * Random ids from a pool filled 4 KiB at a time: a request needs a trace id and a span id per subgraph
 * call, and one `randomBytes` call each showed up in the router's profile (3%).
 */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

/** `bytes` random bytes as lower-case hex (cryptographically random, from the pool). */
export function randomHex(bytes: number): string {
  if (poolOffset + bytes > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}

/**
 * W3C Trace Context, the little of it a service needs without an OpenTelemetry SDK: take the caller's
 * `traceparent` when it is well-formed, start a trace otherwise, and give each outgoing call a child
 * span id, so a trace id follows a request through the router to the subgraphs and into every log line.
 * https://www.w3.org/TR/trace-context/#traceparent-header
 */
export interface TraceContext {
  traceId: string;
  /** This hop's span id. */
  spanId: string;
  /** The `trace-flags` byte, e.g. `01` when sampled. */
  flags: string;
}

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** Continues the caller's trace (with a new span id for this hop), or starts one. */
export function continueTrace(header: string | string[] | undefined): TraceContext {
  const value = (Array.isArray(header) ? header[0] : header)?.trim().toLowerCase();
  const match = value ? traceparentPattern.exec(value) : null;
  if (match && !/^0+$/.test(match[1]!) && !/^0+$/.test(match[2]!)) return { traceId: match[1]!, spanId: randomHex(8), flags: match[3]! };
  return { traceId: randomHex(16), spanId: randomHex(8), flags: '01' };
}

/** The `traceparent` to send on a call this hop makes: same trace, this hop's span as the parent. */
export function traceparentOf(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.flags}`;
}
