import { randomBytes } from 'node:crypto';

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
  if (match && !/^0+$/.test(match[1]!) && !/^0+$/.test(match[2]!)) return { traceId: match[1]!, spanId: randomBytes(8).toString('hex'), flags: match[3]! };
  return { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), flags: '01' };
}

/** The `traceparent` to send on a call this hop makes: same trace, this hop's span as the parent. */
export function traceparentOf(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.flags}`;
}
