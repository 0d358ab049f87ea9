import { spawnSync } from 'node:child_process';

/**
 * Runs `program` (CommonJS; TypeScript files and the workspaces loaded from source through tsx) in a
 * node process of its own, from `cwd`, where its bare `require`s resolve, and returns what it wrote.
 * For tests of what is per process: modules loaded, V8's string table, a logger's output. Throws with
 * the script's stderr if it fails.
 */
export function runScript(program: string, cwd: string): { stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '-e', program], { cwd, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`the script failed: ${run.stderr}`);
  return { stdout: run.stdout, stderr: run.stderr };
}
