import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A program `npm test` needs from the machine, and how to get it. */
export interface MissingTool {
  /** What is missing, as a person would name it. */
  name: string;
  /** Why the tests need it. */
  neededFor: string;
  /** The Debian package that brings it, when one does. */
  debianPackage?: string;
  /** What to do instead of (or besides) installing a package. */
  alternative?: string;
}

/** What {@link findMissingTestTools} looks at: the environment and, for tests, the file system. */
export interface ToolLookup {
  env: Readonly<Record<string, string | undefined>>;
  /** True when `path` is an executable file. */
  isExecutable?: (path: string) => boolean;
  /** The embedded database's binary, when it has been built already (then Go is not needed). */
  ferretdbBinary: string;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string, env: ToolLookup['env'], isExecutable: (path: string) => boolean): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && isExecutable(join(dir, command)));
}

/**
 * Lists what `npm test` needs from the machine and does not find: Chromium for the browser tests
 * (`CHROMIUM_PATH`, default Debian's `/usr/bin/chromium`), `redis-server` for the response cache's
 * tests, and Go to build the embedded database unless it is built already or `MONGO_URL` names a
 * MongoDB. Empty when everything is there.
 */
export function findMissingTestTools({ env, isExecutable = isExecutableFile, ferretdbBinary }: ToolLookup): MissingTool[] {
  const missing: MissingTool[] = [];
  const chromium = env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!isExecutable(chromium)) {
    missing.push({ name: `Chromium (${chromium})`, neededFor: 'the browser tests', debianPackage: 'chromium', alternative: 'or set CHROMIUM_PATH to a Chromium or Chrome binary' });
  }
  if (!onPath('redis-server', env, isExecutable)) missing.push({ name: 'redis-server', neededFor: "the response cache's tests", debianPackage: 'redis-server' });
  if (!env.MONGO_URL && !isExecutable(ferretdbBinary) && !onPath('go', env, isExecutable)) {
    missing.push({ name: 'Go 1.24+', neededFor: 'building the embedded database', debianPackage: 'golang', alternative: 'or set MONGO_URL to a MongoDB' });
  }
  return missing;
}

/** The one line `npm test` prints when tools are missing: what, what for, and the command that installs them. */
export function describeMissingTestTools(missing: readonly MissingTool[]): string {
  const packages = missing.flatMap((tool) => (tool.debianPackage ? [tool.debianPackage] : []));
  const alternatives = missing.flatMap((tool) => (tool.alternative ? [tool.alternative] : []));
  return (
    `npm test needs ${missing.map((tool) => `${tool.name} for ${tool.neededFor}`).join(', ')}: ` +
    `install with \`sudo apt-get install ${packages.join(' ')}\`${alternatives.length > 0 ? ` (${alternatives.join('; ')})` : ''}.`
  );
}
