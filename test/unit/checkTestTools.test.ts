import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeMissingTestTools, findMissingTestTools } from '../../scripts/lib/findMissingTestTools';

const repoRoot = resolve(__dirname, '../..');
const everything = new Set(['/usr/bin/chromium', '/bin/redis-server', '/bin/go', '/repo/.tools/bin/ferretdb']);
const lookup = (present: Set<string>, env: Record<string, string> = {}) =>
  findMissingTestTools({ env: { PATH: '/bin', ...env }, isExecutable: (path) => present.has(path), ferretdbBinary: '/repo/.tools/bin/ferretdb' });
const without = (...paths: string[]) => new Set([...everything].filter((path) => !paths.includes(path)));

describe('the tools npm test needs', () => {
  it('are all there on a machine set up as the README says', () => {
    expect(lookup(everything)).toEqual([]);
  });

  it('name Chromium and redis-server, with the one command that installs both', () => {
    const missing = lookup(without('/usr/bin/chromium', '/bin/redis-server'));
    expect(missing.map((tool) => tool.name)).toEqual(['Chromium (/usr/bin/chromium)', 'redis-server']);
    expect(describeMissingTestTools(missing)).toBe(
      "npm test needs Chromium (/usr/bin/chromium) for the browser tests, redis-server for the response cache's tests: " +
        'install with `sudo apt-get install chromium redis-server` (or set CHROMIUM_PATH to a Chromium or Chrome binary).',
    );
  });

  it('look for Chromium where CHROMIUM_PATH says', () => {
    expect(lookup(everything, { CHROMIUM_PATH: '/opt/chrome' }).map((tool) => tool.name)).toEqual(['Chromium (/opt/chrome)']);
  });

  it('need Go only while the embedded database is not built and no MONGO_URL is set', () => {
    expect(lookup(without('/bin/go')).map((tool) => tool.name)).toEqual([]);
    expect(lookup(without('/bin/go', '/repo/.tools/bin/ferretdb')).map((tool) => tool.name)).toEqual(['Go 1.24+']);
    expect(lookup(without('/bin/go', '/repo/.tools/bin/ferretdb'), { MONGO_URL: 'mongodb://db' })).toEqual([]);
  });

  it('stop npm test at once with that one line and exit code 1', () => {
    // A PATH with node and nothing else: no redis-server; and a Chromium that is not there.
    const bin = mkdtempSync(join(tmpdir(), 'path-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    const result = spawnSync(resolve(repoRoot, 'node_modules/.bin/tsx'), ['--conditions=source', 'scripts/checkTestTools.ts'], {
      cwd: repoRoot,
      env: { PATH: bin, CHROMIUM_PATH: '/nonexistent/chromium', MONGO_URL: 'mongodb://unused' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      "npm test needs Chromium (/nonexistent/chromium) for the browser tests, redis-server for the response cache's tests: " +
        'install with `sudo apt-get install chromium redis-server` (or set CHROMIUM_PATH to a Chromium or Chrome binary).\n',
    );
  });
});
