import { resolve } from 'node:path';
import { runScript } from '@fedstack/devkit';

const routerSrc = resolve(__dirname, '..');

/** What the router's modules bring along, read in a process of its own: loading the service, then node-redis on demand. */
function modulesLoaded(): { redisAtStart: boolean; devkitAtStart: boolean; undiciEntryAtStart: boolean; undiciPoolAtStart: boolean; redisOnDemand: boolean } {
  const program = `
    const inCache = (part) => Object.keys(require.cache).some((file) => file.includes(part));
    require(${JSON.stringify(resolve(routerSrc, 'service.ts'))});
    const atStart = {
      redisAtStart: inCache('/node_modules/@redis/client/'),
      devkitAtStart: inCache('/packages/devkit/'),
      undiciEntryAtStart: inCache('/node_modules/undici/index.js'),
      undiciPoolAtStart: inCache('/node_modules/undici/lib/dispatcher/pool.js'),
    };
    require(${JSON.stringify(resolve(routerSrc, 'inbound/loadRedis.ts'))}).loadRedis();
    console.log(JSON.stringify({ ...atStart, redisOnDemand: inCache('/node_modules/@redis/client/') }));`;
  const { stdout } = runScript(program, routerSrc);
  return JSON.parse(stdout.trim().split('\n').pop()!) as ReturnType<typeof modulesLoaded>;
}

describe('loadRedis', () => {
  it('leaves node-redis unloaded until a Redis URL is used, loads only the pool of undici, and never the devkit', () => {
    expect(modulesLoaded()).toEqual({ redisAtStart: false, devkitAtStart: false, undiciEntryAtStart: false, undiciPoolAtStart: true, redisOnDemand: true });
  });
});
