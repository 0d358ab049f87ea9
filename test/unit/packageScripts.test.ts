import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../..');
const scripts = (JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** The scripts that run TypeScript straight from source, through tsx (as its CLI or as a loader). */
const tsxScripts = Object.entries(scripts).filter(([, command]) => /(^|\s)tsx\s|--import[= ]tsx/.test(command));

describe('the npm scripts', () => {
  it('include the ones a newcomer types first', () => {
    expect(Object.keys(scripts)).toEqual(expect.arrayContaining(['start', 'test', 'seed', 'token', 'web:dev', 'codegen:check', 'compose:check', 'db:install']));
    expect(tsxScripts.map(([name]) => name)).toEqual(expect.arrayContaining(['start', 'seed', 'token', 'start:router']));
  });

  // On a fresh clone nothing is compiled: without the `source` condition, a workspace such as `@fedstack/server` resolves
  // to its `dist/`, which only `tsc -b` writes, and `npm start` fails with MODULE_NOT_FOUND.
  it.each(tsxScripts)('%s runs the workspaces from source, not from an unbuilt dist/', (_name, command) => {
    expect(command).toContain('--conditions=source');
  });
});
