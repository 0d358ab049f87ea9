import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { repoRoot } from '@fedstack/devkit';

/** The parts of V8's `.cpuprofile` (written by `node --cpu-prof`) a summary needs. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  /** Microseconds on the monotonic clock (the one `process.hrtime` reads, in every process). */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** One line of a summary: where the time went, and how much. */
export interface ProfileEntry {
  name: string;
  /** Milliseconds of CPU with this function (or package) on top of the stack. */
  selfMs: number;
  /** Share of the busy time (all samples but idle), in percent. */
  percent: number;
}

/** A CPU profile, summarised by self time. */
export interface ProfileSummary {
  /** Milliseconds the process was busy (not idle) while profiled. */
  busyMs: number;
  /** The functions with the most self time. */
  topFunctions: ProfileEntry[];
  /** Self time by npm package, by folder of ours, or by V8/Node category (GC, program, node internals). */
  byPackage: ProfileEntry[];
  /**
   * The same, with the time spent in Node's own code (streams, sockets, crypto, the fetch it bundles)
   * and in native functions charged to the package that called them: who causes the system work.
   */
  byCallingPackage: ProfileEntry[];
  /**
   * The same time by what it is spent on in the router ({@link routerAreas}): each sample is charged to
   * the nearest frame on its stack that belongs to an area, so `JSON.parse` counts as parsing subgraph
   * answers where the data source called it, and as Apollo Server's pipeline where that did.
   */
  byArea: ProfileEntry[];
}

/** What one area of the router's work is recognised by, in a profile's frames. */
interface Area {
  name: string;
  matches(frame: { functionName: string; url: string }): boolean;
}

/**
 * The areas of a router's CPU that docs/performance.md reports ("where the CPU goes"), in the order
 * they are tried on each frame, innermost first. Stock Apollo Gateway's frames fall under their
 * packages' areas.
 */
export const routerAreas: readonly Area[] = [
  { name: 'garbage collection', matches: (f) => f.functionName === '(garbage collector)' },
  { name: 'subgraph answers: JSON.parse', matches: (f) => /upstream\/BufferResponse/.test(f.url) && /^(json|text)$/.test(f.functionName) },
  { name: 'answer serialisation (JSON.stringify)', matches: (f) => /prettyJSONStringify|stringifyResult/.test(f.functionName) || /createSharedStringify/.test(f.url) },
  { name: 'response shaping', matches: (f) => /execution\/compileResponseShaper|resultShaping/.test(f.url) },
  { name: 'representations', matches: (f) => /execution\/(compileRepresentation|applyRewrites)/.test(f.url) },
  { name: 'plan runner (executePlan, mergeInto)', matches: (f) => /execution\/(executePlan|resultTree|TypeMatcher|ExecutingGateway)|@apollo\/gateway\/dist\/(executeQueryPlan|utilities)/.test(f.url) },
  { name: 'signing', matches: (f) => /upstream\/signingFetcher|server\/src\/signing/.test(f.url) },
  { name: 'resilient fetcher (timeouts, retries, circuit)', matches: (f) => /upstream\/(createResilientFetcher|CircuitBreaker)/.test(f.url) },
  { name: 'undici', matches: (f) => /node_modules\/undici\//.test(f.url) },
  { name: 'data source (request body, headers)', matches: (f) => /upstream\/|@apollo\/gateway\/dist\/datasources|node-fetch|make-fetch-happen|minipass|agent-base|@npmcli\/agent/.test(f.url) },
  { name: 'router plugins (limits, metrics, root nulls, auth)', matches: (f) => /router\/src\/(inbound|metrics|context)|useSettledRootNulls|server\/src\/(metrics|errors|viewer)|prom-client/.test(f.url) },
  { name: 'Apollo Server pipeline (and graphql-js)', matches: (f) => /@apollo\/(server|utils)|node_modules\/graphql\/|negotiator|lru-cache/.test(f.url) },
  { name: 'inbound HTTP (httpServer.ts)', matches: (f) => /server\/src\/(httpServer|tracing)/.test(f.url) },
  { name: 'query planning (federation-internals, gateway)', matches: (f) => /@apollo\/(gateway|federation-internals|query-planner)/.test(f.url) },
  { name: 'node:http and sockets', matches: (f) => /^node:(_http|net|stream|internal\/(streams|http|stream_base|net))/.test(f.url) || /^(writev|writeUtf8String|writeBuffer)$/.test(f.functionName) },
];

/** Where a function lives: `@apollo/query-planner`, `router/src/inbound`, `node:internal`, or a V8 category. */
function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  // Node bundles undici (its fetch): count it as the package it is.
  const bundled = /^node:internal\/deps\/([^/]+)\//.exec(url);
  if (bundled) return `${bundled[1]} (in node)`;
  if (url.startsWith('node:')) return 'node internals';
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = path.slice(modules + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const own = relative(repoRoot, path);
  return own.startsWith('..') ? path : own.split('/').slice(0, -1).join('/') || own;
}

function locationOf(url: string, line: number): string {
  if (!url) return '';
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('node_modules/');
  const short = modules >= 0 ? path.slice(modules + 'node_modules/'.length) : relative(repoRoot, path);
  return `${short}:${line + 1}`;
}

/**
 * Reads a `.cpuprofile` and adds up each sample's time to the function on top of the stack (self time),
 * by function and by package. Idle time is left out of the percentages: they are shares of the work.
 * With `windows` (monotonic `process.hrtime.bigint()` values, in any process: V8 stamps samples with the
 * same clock), only samples inside them count, so start-up and warm-up do not blur the steady state.
 */
export function summarizeProfile(file: string, options: { windows?: ReadonlyArray<readonly [bigint, bigint]>; top?: number } = {}): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const windows = options.windows?.map(([from, to]) => [Number(from / 1000n), Number(to / 1000n)] as const);
  const inWindow = (us: number) => !windows || windows.some(([from, to]) => us >= from && us <= to);
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  /** The package of the nearest frame on the stack that is not Node's own code or native. */
  const callingPackage = (id: number): string => {
    for (let current: number | undefined = id; current !== undefined; current = parents.get(current)) {
      const frame = nodes.get(current)!;
      const pkg = packageOf(frame.url, frame.functionName);
      if (pkg !== 'node internals' && pkg !== '(native)' && pkg !== '(root)') return pkg;
    }
    return packageOf(nodes.get(id)!.url, nodes.get(id)!.functionName);
  };
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const byCallingPackage = new Map<string, number>();
  const byArea = new Map<string, number>();
  const areaOf = (id: number): string => {
    for (let current: number | undefined = id; current !== undefined; current = parents.get(current)) {
      const frame = nodes.get(current)!;
      const area = routerAreas.find((candidate) => candidate.matches(frame));
      if (area) return area.name;
    }
    return 'other (event loop, microtasks, timers)';
  };
  let busyUs = 0;
  let timestamp = profile.startTime;
  profile.samples.forEach((id, i) => {
    const frame = nodes.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    timestamp += us;
    if (!frame || frame.functionName === '(idle)' || !inWindow(timestamp)) return;
    busyUs += us;
    const name = `${frame.functionName || '(anonymous)'} ${locationOf(frame.url, frame.lineNumber)}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const pkg = packageOf(frame.url, frame.functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const caller = pkg === 'node internals' || pkg === '(native)' ? callingPackage(id) : pkg;
    byCallingPackage.set(caller, (byCallingPackage.get(caller) ?? 0) + us);
    const area = areaOf(id);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
  });
  const entries = (map: Map<string, number>, count: number): ProfileEntry[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, us]) => ({ name, selfMs: Math.round(us / 100) / 10, percent: busyUs > 0 ? Math.round((us / busyUs) * 1000) / 10 : 0 }));
  const top = options.top ?? 25;
  return { busyMs: Math.round(busyUs / 1000), topFunctions: entries(byFunction, top), byPackage: entries(byPackage, top), byCallingPackage: entries(byCallingPackage, top), byArea: entries(byArea, routerAreas.length + 1) };
}
