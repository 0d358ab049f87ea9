import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchReport } from '../../bench/lib/runBenchmark';

/**
 * `npm run bench` end to end, in miniature: one scenario against our router for one second, on the test
 * run's database. Only that the harness runs and writes a complete report; the numbers are the
 * benchmark's business (docs/performance.md), never a test's.
 */

const repoRoot = resolve(__dirname, '../..');

function runBench(args: readonly string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'bench/index.ts', ...args], { cwd: repoRoot, env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    // The harness has its own deadline; this one only keeps a hung harness from outliving the test.
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

describe('the benchmark harness', () => {
  const resultsDir = mkdtempSync(join(tmpdir(), 'fedstack-bench-test-'));
  afterAll(() => rmSync(resultsDir, { recursive: true, force: true }));

  it('measures one short scenario against our router and writes a complete report', async () => {
    const run = await runBench(
      ['--quick', '--targets', 'router', '--scenarios', 'userWithOrders', '--duration', '1', '--warmup', '0', '--connections', '4', '--no-core', '--name', 'harness-test', '--results-dir', resultsDir],
      50_000,
    );
    expect(run.stderr).not.toContain('bench failed');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('| target | scenario | req/s |');

    const report = JSON.parse(readFileSync(join(resultsDir, 'harness-test.json'), 'utf8')) as BenchReport;
    expect(report).toMatchObject({ name: 'harness-test', mode: 'quick', data: { users: 50, orders: 100 }, settings: { connections: 4, durationSeconds: 1 } });
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.results).toHaveLength(1);
    const [result] = report.results;
    expect(result).toMatchObject({ target: 'router', scenario: 'userWithOrders', non2xx: 0, graphqlErrors: 0, socketErrors: 0, timeouts: 0 });
    expect(result!.failed).toBeUndefined();
    expect(result!.requests).toBeGreaterThan(0);
    expect(result!.requestsPerSecond).toBeGreaterThan(0);
    expect(result!.latencyMs.p50).toBeGreaterThan(0);
    expect(result!.latencyMs.p99).toBeGreaterThanOrEqual(result!.latencyMs.p95);
    expect(result!.latencyMs.p95).toBeGreaterThanOrEqual(result!.latencyMs.p50);
    expect(result!.cpu.target.msPerRequest).toBeGreaterThan(0);
    expect(result!.memoryMiB.peak).toBeGreaterThan(0);
    // The user and their orders: a users and an orders command per request, give or take the edges of the window.
    expect(result!.mongoCommandsPerRequest.users).toBeGreaterThan(0);
    expect(result!.mongoCommandsPerRequest.orders).toBeGreaterThan(0);
    expect(result!.mongoCommandsOneRequest).toBeGreaterThan(0);
    expect(Object.keys(report.goals).length).toBeGreaterThan(0);
  });
});
