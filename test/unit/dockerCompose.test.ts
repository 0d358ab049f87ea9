import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadConfig as loadOrdersConfig } from '@fedstack/orders';
import { loadConfig as loadUsersConfig } from '@fedstack/users';
import { loadConfig as loadRouterConfig, loadWorkerConfig, readSubgraphList } from '@fedstack/router';

/**
 * docker-compose.yml is configuration the compiler never sees, so these tests read it the way the
 * containers will: each service's `environment` goes through its own `loadConfig`, and the ports,
 * health checks, commands and start-up order are checked against what that config says.
 */

const repoRoot = resolve(__dirname, '../..');

/** The parts of a compose file these tests read; compose allows a short and a long form for most. */
type ComposeScalar = string | number | boolean | null;

interface ComposeBuild {
  context?: string;
  dockerfile?: string;
}

interface ComposePort {
  target: number;
  published?: string | number;
}

interface ComposeHealthcheck {
  test: string | string[];
}

interface ComposeDependency {
  condition?: string;
}

interface ComposeService {
  image?: string;
  build?: string | ComposeBuild;
  command?: string | string[];
  environment?: Record<string, ComposeScalar> | string[];
  ports?: (string | number | ComposePort)[];
  depends_on?: string[] | Record<string, ComposeDependency | null>;
  healthcheck?: ComposeHealthcheck;
}

interface ComposeFile {
  services: Record<string, ComposeService>;
}

const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')) as ComposeFile;
const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');

function service(name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service named ${name}`);
  return found;
}

/**
 * Stands for the operator's shell or .env file: every `${VAR:?…}` (a setting compose requires) gets a
 * value, the same for the same variable, so the router's and a subgraph's shared secrets match; every
 * `${VAR:-default}` (a setting the operator may leave out) gets its default.
 */
const operatorSettings = new Map<string, string>();
function interpolate(value: string): string {
  return value
    .replace(/\$\{([A-Z0-9_]+):\?[^}]*\}/g, (_match, variable: string) => {
      if (!operatorSettings.has(variable)) operatorSettings.set(variable, `operator-set-${variable.toLowerCase()}-${'x'.repeat(32)}`);
      return operatorSettings.get(variable)!;
    })
    .replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, (_match, fallback: string) => fallback);
}

/** A service's `environment` as the process will see it: strings only, pass-through entries left out. */
function environmentOf(name: string): Record<string, string> {
  const environment = service(name).environment ?? {};
  const entries: [string, string][] = Array.isArray(environment)
    ? environment.filter((entry) => entry.includes('=')).map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)])
    : Object.entries(environment)
        .filter((entry): entry is [string, string | number | boolean] => entry[1] !== null)
        .map(([key, value]) => [key, String(value)]);
  return Object.fromEntries(entries.map(([key, value]) => [key, interpolate(value)]));
}

/** Each published port as `{ published, target }`, from `'4001:4001'`, `'127.0.0.1:4001:4001/tcp'` or the long form. */
function portsOf(name: string): { published: string | undefined; target: number }[] {
  return (service(name).ports ?? []).map((port) => {
    if (typeof port === 'object') return { published: port.published === undefined ? undefined : String(port.published), target: port.target };
    const parts = String(port).replace(/\/(tcp|udp)$/, '').split(':');
    return { published: parts.length > 1 ? parts[parts.length - 2] : undefined, target: Number(parts[parts.length - 1]) };
  });
}

function healthcheckOf(name: string): string {
  const test = service(name).healthcheck?.test ?? '';
  return Array.isArray(test) ? test.join(' ') : test;
}

function commandOf(name: string): string[] {
  const command = service(name).command ?? [];
  return Array.isArray(command) ? command : command.trim().split(/\s+/);
}

function buildOf(name: string): Required<ComposeBuild> | undefined {
  const build = service(name).build;
  if (build === undefined) return undefined;
  if (typeof build === 'string') return { context: build, dockerfile: 'Dockerfile' };
  return { context: build.context ?? '.', dockerfile: build.dockerfile ?? 'Dockerfile' };
}

/** What a service waits for, by service name; the short list form waits only for the start. */
function dependenciesOf(name: string): Record<string, string> {
  const dependsOn = service(name).depends_on ?? {};
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((dependency) => [dependency, 'service_started']));
  return Object.fromEntries(Object.entries(dependsOn).map(([dependency, options]) => [dependency, options?.condition ?? 'service_started']));
}

/** What every containerised service's config has, whatever else it reads. */
interface ServiceConfig {
  port: number;
  common: { nodeEnv: string };
}

const appServices: { name: string; workspace: string; load: (env: Record<string, string>) => ServiceConfig }[] = [
  { name: 'users', workspace: 'subgraphs/users', load: loadUsersConfig },
  { name: 'orders', workspace: 'subgraphs/orders', load: loadOrdersConfig },
  { name: 'router', workspace: 'router', load: loadRouterConfig },
];

describe('docker-compose.yml', () => {
  describe.each(appServices)('the $name service', ({ name, workspace, load }) => {
    it('has an environment its loadConfig accepts, in production mode', () => {
      expect(() => load(environmentOf(name))).not.toThrow();
      expect(load(environmentOf(name)).common.nodeEnv).toBe('production');
    });

    it('publishes the port its config listens on, on the same host port', () => {
      const { port } = load(environmentOf(name));
      expect(portsOf(name)).toContainEqual({ published: String(port), target: port });
    });

    it('is healthy only when /health/ready answers on that port', () => {
      const { port } = load(environmentOf(name));
      expect(healthcheckOf(name)).toContain(`:${port}/health/ready`);
    });

    it('runs the compiled entry point of its own workspace', () => {
      const [executable, entryPoint] = commandOf(name);
      expect(executable).toBe('node');
      expect(entryPoint).toBe(`${workspace}/dist/index.js`);
      expect(existsSync(join(repoRoot, workspace, 'src/index.ts'))).toBe(true);
    });

    it('finds that entry point in the image, because the Dockerfile copies its dist folder', () => {
      expect(dockerfile).toContain(`COPY --from=build /app/${workspace}/dist/ ${workspace}/dist/`);
    });

    it('builds from the one Dockerfile at the root of the repository', () => {
      expect(buildOf(name)).toEqual({ context: '.', dockerfile: 'Dockerfile' });
      expect(existsSync(join(repoRoot, 'Dockerfile'))).toBe(true);
    });
  });

  it('runs mongo as a replica set that initiates itself and is healthy only with a primary', () => {
    const command = commandOf('mongo');
    expect(command[0]).toBe('mongod');
    expect(command[command.indexOf('--replSet') + 1]).toBe('rs0');
    expect(command).toContain('--bind_ip_all');
    const healthcheck = healthcheckOf('mongo');
    // The one member is named as the other containers reach it: the service name and mongod's port.
    expect(healthcheck).toMatch(/rs\.initiate\(\{ _id: 'rs0', members: \[\{ _id: 0, host: 'mongo:27017' \}\] \}\)/);
    expect(healthcheck).toContain('isWritablePrimary');
  });

  it('names the replica set in every MONGO_URL, so the driver finds the primary and follows a failover', () => {
    const urls = appServices.flatMap(({ name }) => Object.entries(environmentOf(name)).filter(([key]) => /(^|_)MONGO_URL$/.test(key)));
    expect(urls.map(([key]) => key).sort()).toEqual(['MONGO_URL', 'MONGO_URL']);
    for (const [, url] of urls) {
      expect(new URL(url)).toMatchObject({ hostname: 'mongo', port: '27017' });
      expect(new URL(url).searchParams.get('replicaSet')).toBe('rs0');
    }
  });

  it('runs the router with the worker count ROUTER_WORKERS gives, a valid one', () => {
    expect(environmentOf('router').ROUTER_WORKERS).toBeDefined();
    expect(loadWorkerConfig(environmentOf('router')).workers).toBe(2);
  });

  it('gives each subgraph its own database on the mongo service', () => {
    const users = loadUsersConfig(environmentOf('users'));
    const orders = loadOrdersConfig(environmentOf('orders'));
    for (const { url } of [users.mongo, orders.mongo]) expect(new URL(url)).toMatchObject({ hostname: 'mongo', port: '27017' });
    expect(portsOf('mongo')).toContainEqual({ published: '27017', target: 27017 });
    expect(users.mongo.dbName).toBe('users');
    expect(orders.mongo.dbName).toBe('orders');
  });

  it('starts each subgraph only once mongo is healthy', () => {
    expect(dependenciesOf('users')).toEqual({ mongo: 'service_healthy' });
    expect(dependenciesOf('orders')).toEqual({ mongo: 'service_healthy' });
  });

  it('starts the router once both subgraphs are healthy and its cache has started', () => {
    expect(dependenciesOf('router')).toEqual({ users: 'service_healthy', orders: 'service_healthy', redis: 'service_started' });
  });

  it('has the router serve the checked-in supergraph and reach the subgraphs by service name and port', () => {
    const router = loadRouterConfig(environmentOf('router'));
    expect(router.mode).toBe('static');
    const subgraphs = { users: loadUsersConfig(environmentOf('users')).port, orders: loadOrdersConfig(environmentOf('orders')).port };
    for (const [name, port] of Object.entries(subgraphs)) {
      expect(router.subgraphUrls[name]).toBeDefined();
      expect(new URL(router.subgraphUrls[name] ?? '')).toMatchObject({ protocol: 'http:', hostname: name, port: String(port), pathname: '/graphql' });
    }
  });

  it('overrides the URL of every subgraph in schema/subgraphs.json, so none is left pointing at localhost', () => {
    const router = loadRouterConfig(environmentOf('router'));
    const names = readSubgraphList(join(repoRoot, 'schema/subgraphs.json')).map((subgraph) => subgraph.name);
    expect(Object.keys(router.subgraphUrls).sort()).toEqual([...names].sort());
  });

  it('uses only settings that .env.example documents', () => {
    const envExamplePath = join(repoRoot, '.env.example');
    expect(existsSync(envExamplePath)).toBe(true);
    const envExample = readFileSync(envExamplePath, 'utf8');
    const keys = [...new Set(appServices.flatMap(({ name }) => Object.keys(environmentOf(name))))];
    const undocumented = keys.filter((key) => !new RegExp(`^#?\\s*${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}=`, 'm').test(envExample));
    expect(undocumented).toEqual([]);
  });

  it('requires the operator to set every secret, so no default secret runs in production', () => {
    const secrets = ['AUTH_JWT_SECRET', 'USERS_SIGNING_SECRET', 'ORDERS_SIGNING_SECRET', 'SUBGRAPH_USERS_SECRET', 'SUBGRAPH_ORDERS_SECRET'];
    const raw = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');
    for (const secret of secrets) expect(raw).toMatch(new RegExp(`${secret}: '?\\$\\{[A-Z_]+:\\?`));
    expect(environmentOf('router').SUBGRAPH_USERS_SECRET).toBe(environmentOf('users').USERS_SIGNING_SECRET);
    expect(environmentOf('router').SUBGRAPH_ORDERS_SECRET).toBe(environmentOf('orders').ORDERS_SIGNING_SECRET);
  });
});

describe('the Dockerfile', () => {
  /** Workspace folder by package name, from the root's workspaces. */
  const folders = new Map<string, string>();
  for (const folder of ['packages/server', 'packages/subgraph', 'packages/devkit', 'subgraphs/users', 'subgraphs/orders', 'router']) {
    folders.set((JSON.parse(readFileSync(join(repoRoot, folder, 'package.json'), 'utf8')) as { name: string }).name, folder);
  }
  /** The workspaces a service runs on: its own and every @fedstack package it depends on, transitively. */
  const runtimeWorkspaces = (folder: string, seen = new Set<string>()): Set<string> => {
    seen.add(folder);
    const { dependencies = {} } = JSON.parse(readFileSync(join(repoRoot, folder, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const name of Object.keys(dependencies)) {
      const dependency = folders.get(name);
      if (dependency && !seen.has(dependency)) runtimeWorkspaces(dependency, seen);
    }
    return seen;
  };

  it.each(['router', 'subgraphs/users', 'subgraphs/orders'])('builds and copies every workspace %s runs on, and never the devkit', (service) => {
    const needed = [...runtimeWorkspaces(service)];
    expect(needed).not.toContain('packages/devkit');
    const build = /RUN npx tsc -b (.+)/.exec(dockerfile)?.[1]?.split(/\s+/) ?? [];
    for (const workspace of needed) {
      expect(build).toContain(workspace);
      expect(dockerfile).toContain(`COPY --from=build /app/${workspace}/dist/ ${workspace}/dist/`);
    }
  });

  /** Every `src/` file of a workspace that its build compiles (tests excluded), with its text. */
  const sourcesOf = (folder: string): Array<{ file: string; text: string }> => {
    const files: Array<{ file: string; text: string }> = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          walk(path);
        } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
          files.push({ file: path.slice(repoRoot.length + 1), text: readFileSync(path, 'utf8') });
        }
      }
    };
    walk(join(repoRoot, folder, 'src'));
    return files;
  };

  it.each(['router', 'subgraphs/users', 'subgraphs/orders', 'packages/server', 'packages/subgraph'])(
    'finds each workspace that %s imports among its dependencies, so the image has its build (never the devkit)',
    (folder) => {
      const { dependencies = {} } = JSON.parse(readFileSync(join(repoRoot, folder, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      const undeclared: string[] = [];
      for (const { file, text } of sourcesOf(folder)) {
        for (const [, name] of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire(?:\.resolve)?\s*\(\s*)['"`](@fedstack\/[a-z0-9-]+)(?:\/[^'"`]*)?['"`]/g)) {
          if (!(name! in dependencies)) undeclared.push(`${file} imports ${name}`);
        }
      }
      expect(undeclared).toEqual([]);
      expect(Object.keys(dependencies)).not.toContain('@fedstack/devkit');
    },
  );

  it('copies the manifest of every workspace the lockfile installs, in both stages', () => {
    for (const folder of folders.values()) {
      expect(dockerfile.split(`COPY ${folder}/package.json ${folder}/`).length - 1).toBe(2);
    }
  });

  it('runs every service in production mode with two malloc arenas (docs/operations.md)', () => {
    const runtime = dockerfile.slice(dockerfile.indexOf(' AS runtime'));
    expect(runtime).toMatch(/^ENV NODE_ENV=production$/m);
    expect(runtime).toMatch(/^ENV MALLOC_ARENA_MAX=2$/m);
  });
});
