import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time and memory of a process and its descendants, read from Linux's /proc: the same counters
 * `top` and `ps` show, at no cost to the process measured. A router run as a cluster (ROUTER_WORKERS)
 * does its work in child processes, so a target is always measured as its whole process tree.
 */

/** Clock ticks per second of `utime`/`stime` in /proc/<pid>/stat: USER_HZ, 100 on every Linux that matters. */
const ticksPerSecond = 100;

/** The process ids of `pid` and every process below it. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(Number(entry));
    children.set(stat.ppid, list);
  }
  const tree: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift()!;
    tree.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return tree;
}

interface Stat {
  ppid: number;
  /** User plus system CPU time, in seconds. */
  cpuSeconds: number;
}

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // Gone between the listing and the read.
  }
  // The command name (field 2) is in parentheses and may hold spaces: split after its closing one.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // Fields from 3 on: state(3) ppid(4) … utime(14) stime(15).
  return { ppid: Number(fields[1]), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / ticksPerSecond };
}

/** CPU seconds (user + system) used so far by these processes (by default `pid` and its descendants). */
export function cpuSeconds(pid: number, tree: readonly number[] = processTree(pid)): number {
  return tree.reduce((sum, p) => sum + (readStat(p)?.cpuSeconds ?? 0), 0);
}

/**
 * Resident memory of these processes (by default `pid` and its descendants), in bytes: now (`VmRSS`) and
 * the sum of each one's peak since it started (`VmHWM`).
 */
export function memory(pid: number, tree: readonly number[] = processTree(pid)): { rssBytes: number; peakRssBytes: number } {
  let rssBytes = 0;
  let peakRssBytes = 0;
  for (const p of tree) {
    let status: string;
    try {
      status = readFileSync(`/proc/${p}/status`, 'utf8');
    } catch {
      continue;
    }
    rssBytes += kilobytes(status, 'VmRSS') * 1024;
    peakRssBytes += kilobytes(status, 'VmHWM') * 1024;
  }
  return { rssBytes, peakRssBytes };
}

function kilobytes(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
}

/** What a {@link ProcessSampler} saw between `start()` and `stop()`. */
export interface ProcessUsage {
  /** CPU seconds used in the window. */
  cpuSeconds: number;
  /** Average cores busy in the window: 1 is one core fully used. */
  cores: number;
  /** Resident memory at the start and end of the window, and the highest sampled in it, in bytes. */
  rssStartBytes: number;
  rssEndBytes: number;
  rssPeakBytes: number;
}

/**
 * Samples one process tree over a window: CPU from the difference of the counters at both ends, memory
 * every `intervalMs` (the peak in the window, not since the process started, so a start-up peak does not
 * hide growth under load). The tree is listed once, when the window opens.
 */
export class ProcessSampler {
  private tree: number[] = [];
  private startCpu = 0;
  private startTime = 0;
  private rssStart = 0;
  private rssPeak = 0;
  private timer: NodeJS.Timeout | undefined;

  /** `intervalMs` 0 samples memory only at both ends. */
  constructor(
    readonly pid: number,
    private readonly intervalMs = 250,
  ) {}

  /** Opens the window. */
  start(): void {
    this.tree = processTree(this.pid);
    this.startCpu = cpuSeconds(this.pid, this.tree);
    this.startTime = performance.now();
    this.rssStart = memory(this.pid, this.tree).rssBytes;
    this.rssPeak = this.rssStart;
    if (this.intervalMs > 0) {
      this.timer = setInterval(() => {
        this.rssPeak = Math.max(this.rssPeak, memory(this.pid, this.tree).rssBytes);
      }, this.intervalMs);
    }
  }

  /** Closes the window and reports it. */
  stop(): ProcessUsage {
    clearInterval(this.timer);
    const used = cpuSeconds(this.pid, this.tree) - this.startCpu;
    const seconds = (performance.now() - this.startTime) / 1000;
    const rssEnd = memory(this.pid, this.tree).rssBytes;
    return {
      cpuSeconds: used,
      cores: seconds > 0 ? used / seconds : 0,
      rssStartBytes: this.rssStart,
      rssEndBytes: rssEnd,
      rssPeakBytes: Math.max(this.rssPeak, rssEnd),
    };
  }
}

/** Busy CPU seconds of the whole machine so far (all cores; not idle, not waiting for I/O), from /proc/stat. */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user).
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / ticksPerSecond;
}
