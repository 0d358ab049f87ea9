import { setFlagsFromString } from 'node:v8';
import type { RouterConfig } from './config';

/**
 * The V8 flags the router sets for itself at start, before any request: V8 reads them as it collects
 * and compiles. Each has a setting to leave V8's default (docs/operations.md).
 */
export function applyV8Settings(config: Pick<RouterConfig, 'v8Pretenuring' | 'v8WasmTierUp'>): void {
  // ROUTER_V8_PRETENURING ("Request objects stay young").
  if (!config.v8Pretenuring) setFlagsFromString('--no-allocation-site-pretenuring');
  // ROUTER_V8_WASM_TIER_UP ("Undici's parser stays on the baseline compiler"): before undici compiles
  // its HTTP parser, which it does on the first subgraph connection.
  if (!config.v8WasmTierUp) setFlagsFromString('--liftoff-only');
}
