import { resolve } from 'node:path';
import { ConfigError, createLogger } from '@fedstack/server';
import { developmentJwtSecret, loadConfig } from './config';
import { createGateway } from './execution/createGateway';

describe('the router config', () => {
  it('defaults to the checked-in supergraph, with the query plan and introspection on outside production', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 4000, mode: 'static', exposeQueryPlan: true, introspection: true, subgraphUrls: {} });
    expect(config.supergraphPath).toBe(resolve(__dirname, '../../schema/supergraph.graphql'));
  });

  it('turns the query plan and introspection off in production unless enabled', () => {
    const production = { NODE_ENV: 'production', AUTH_JWT_SECRET: 'p'.repeat(40) };
    expect(loadConfig(production)).toMatchObject({ exposeQueryPlan: false, introspection: false, playground: false, allowedOrigins: [] });
    expect(loadConfig({ ...production, INTROSPECTION: 'true', PLAYGROUND: 'true', PERSISTED_DOCUMENTS: 'allow' })).toMatchObject({ introspection: true, playground: true });
  });

  it('reads SUBGRAPH_<NAME>_URL for any subgraph name', () => {
    const config = loadConfig({ SUBGRAPH_USERS_URL: 'http://users:4001/graphql', SUBGRAPH_INVENTORY_ITEMS_URL: 'https://inv.example/graphql' });
    expect(config.subgraphUrls).toEqual({ users: 'http://users:4001/graphql', inventory_items: 'https://inv.example/graphql' });
  });

  it('runs query plans with its own executor unless ROUTER_EXECUTOR=apollo asks for stock Apollo Gateway\'s', () => {
    expect(loadConfig({}).executor).toBe('ours');
    expect(loadConfig({ ROUTER_EXECUTOR: 'apollo' }).executor).toBe('apollo');
    expect(() => loadConfig({ ROUTER_EXECUTOR: 'jit' })).toThrow(/ROUTER_EXECUTOR must be one of ours, apollo/);
  });

  it('holds query plans back while the CPU is saturated, unless ROUTER_PLAN_ADMISSION says a number or off', () => {
    expect(loadConfig({}).planAdmission).toEqual({ kind: 'adaptive', budgetBytes: 256 * 1024 });
    expect(loadConfig({ ROUTER_PLAN_ADMISSION_BUDGET_KB: '2048' }).planAdmission).toEqual({ kind: 'adaptive', budgetBytes: 2048 * 1024 });
    expect(() => loadConfig({ ROUTER_PLAN_ADMISSION_BUDGET_KB: '0' })).toThrow('ROUTER_PLAN_ADMISSION_BUDGET_KB');
    expect(loadConfig({ ROUTER_PLAN_ADMISSION: '8' }).planAdmission).toEqual({ kind: 'fixed', plans: 8 });
    expect(loadConfig({ ROUTER_PLAN_ADMISSION: 'off' }).planAdmission).toEqual({ kind: 'off' });
    for (const wrong of ['0', '-1', '2.5', 'auto', '100001']) {
      expect(() => loadConfig({ ROUTER_PLAN_ADMISSION: wrong })).toThrow(`ROUTER_PLAN_ADMISSION must be adaptive, off, or a number of plans from 1 to 100000, but is "${wrong}".`);
    }
  });

  it('turns V8\'s allocation-site pretenuring off unless ROUTER_V8_PRETENURING=true, and sends each distinct representation once unless told not to', () => {
    expect(loadConfig({})).toMatchObject({ v8Pretenuring: false, dedupeRepresentations: true });
    expect(loadConfig({ ROUTER_V8_PRETENURING: 'true', ROUTER_DEDUPE_REPRESENTATIONS: 'false' })).toMatchObject({ v8Pretenuring: true, dedupeRepresentations: false });
    expect(() => loadConfig({ ROUTER_V8_PRETENURING: 'sometimes' })).toThrow('ROUTER_V8_PRETENURING');
  });

  it('keeps WebAssembly on V8\'s baseline compiler unless ROUTER_V8_WASM_TIER_UP=true', () => {
    expect(loadConfig({}).v8WasmTierUp).toBe(false);
    expect(loadConfig({ ROUTER_V8_WASM_TIER_UP: 'true' }).v8WasmTierUp).toBe(true);
    expect(() => loadConfig({ ROUTER_V8_WASM_TIER_UP: 'yes please' })).toThrow('ROUTER_V8_WASM_TIER_UP');
  });

  it('serves any supergraph file by path', () => {
    expect(loadConfig({ SUPERGRAPH_PATH: '/srv/their-supergraph.graphql' }).supergraphPath).toBe('/srv/their-supergraph.graphql');
  });

  it('refuses settings that contradict each other or are malformed', () => {
    expect(() => loadConfig({ SUPERGRAPH_MODE: 'live', SUPERGRAPH_PATH: 'x.graphql' })).toThrow(ConfigError);
    expect(() => loadConfig({ SUPERGRAPH_MODE: 'dynamic' })).toThrow('SUPERGRAPH_MODE must be one of static, live, but got: "dynamic"');
    expect(() => loadConfig({ SUBGRAPH_USERS_URL: 'users:4001' })).toThrow('SUBGRAPH_USERS_URL must be an http(s) URL');
  });
});

describe('the trusted-documents settings', () => {
  const production = { NODE_ENV: 'production', AUTH_JWT_SECRET: 'p'.repeat(40) };

  it('require manifest operations in production and allow text elsewhere, trusting the web app\'s manifest by default', () => {
    expect(loadConfig(production).trustedDocuments).toEqual({
      mode: 'require',
      paths: [resolve(__dirname, '../../web/src/__generated__/persisted-documents.json')],
      pollIntervalMs: 2000,
      redis: undefined,
      adminBypass: false,
    });
    expect(loadConfig({}).trustedDocuments.mode).toBe('allow');
    expect(loadConfig({ PERSISTED_DOCUMENTS_PATH: 'a.json, /srv/manifests', REDIS_URL: 'redis://r:6379' }).trustedDocuments).toMatchObject({
      paths: [resolve('a.json'), '/srv/manifests'],
      redis: { url: 'redis://r:6379', keyPrefix: 'fedstack:router:', timeoutMs: 100 },
    });
  });

  it('turn the playground off by default where it could run nothing, and refuse it when asked for', () => {
    expect(loadConfig({ PERSISTED_DOCUMENTS: 'require' }).playground).toBe(false);
    expect(loadConfig({ PERSISTED_DOCUMENTS: 'require', PERSISTED_DOCUMENTS_ADMIN_BYPASS: 'true' }).playground).toBe(true);
    expect(() => loadConfig({ ...production, PLAYGROUND: 'true' })).toThrow('PLAYGROUND=true cannot run anything with PERSISTED_DOCUMENTS=require');
    expect(() => loadConfig({ PERSISTED_DOCUMENTS_ADMIN_BYPASS: 'true' })).toThrow('PERSISTED_DOCUMENTS_ADMIN_BYPASS only applies to PERSISTED_DOCUMENTS=require');
    expect(() => loadConfig({ PERSISTED_DOCUMENTS: 'strict' })).toThrow('PERSISTED_DOCUMENTS must be one of off, allow, require, but got: "strict"');
  });
});

describe('the response cache settings', () => {
  it('cache public answers in memory (64 MiB) unless REDIS_URL names a Redis', () => {
    expect(loadConfig({}).responseCache).toEqual({ enabled: true, maxBytes: 64 * 1024 * 1024, redisUrl: undefined, redisTimeoutMs: 100, redisKeyPrefix: 'fedstack:router:' });
    expect(loadConfig({ REDIS_URL: 'rediss://cache.internal:6380/2', RESPONSE_CACHE_MAX_MB: '8' }).responseCache).toMatchObject({ redisUrl: 'rediss://cache.internal:6380/2', maxBytes: 8 * 1024 * 1024 });
    expect(loadConfig({ RESPONSE_CACHE: 'false' }).responseCache.enabled).toBe(false);
  });

  it('refuse a REDIS_URL that is not a redis:// URL', () => {
    expect(() => loadConfig({ REDIS_URL: 'localhost:6379' })).toThrow('REDIS_URL must be a redis:// or rediss:// URL (for example redis://localhost:6379), but got: "localhost:6379"');
    expect(() => loadConfig({ REDIS_URL: 'http://cache:6379' })).toThrow(ConfigError);
  });
});

describe('secrets', () => {
  it('fall back to development ones outside production', () => {
    expect(loadConfig({}).auth.jwtSecret).toBe(developmentJwtSecret);
  });

  it('are required in production, and the development ones refused', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow('In production set AUTH_JWKS_URL');
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: developmentJwtSecret })).toThrow('AUTH_JWT_SECRET must be set in production');
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: 'short' })).toThrow('AUTH_JWT_SECRET must be at least 32 characters long.');
    expect(loadConfig({ NODE_ENV: 'production', AUTH_JWKS_URL: 'https://id.example/jwks.json' }).auth).toMatchObject({ jwtSecret: undefined, jwksUrl: 'https://id.example/jwks.json' });
  });

  it('must exist for every subgraph in production', () => {
    const config = loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: 'p'.repeat(40), SUBGRAPH_USERS_SECRET: 'u'.repeat(40) });
    expect(() => createGateway(config, createLogger('test', 'silent'))).toThrow('Set SUBGRAPH_ORDERS_SECRET');
  });
});

describe('the gateway', () => {
  it('refuses a SUBGRAPH_<NAME>_URL that names no subgraph, listing the ones there are', () => {
    expect(() => createGateway(loadConfig({ SUBGRAPH_USER_URL: 'http://users:4001/graphql' }), createLogger('test', 'silent'))).toThrow(
      /SUBGRAPH_USER_URL names no subgraph in .*supergraph\.graphql; the subgraphs are: orders \(SUBGRAPH_ORDERS_\*\), users \(SUBGRAPH_USERS_\*\)\./,
    );
  });

  it('treats an empty SUBGRAPH_<NAME>_URL as unset', () => {
    expect(loadConfig({ SUBGRAPH_USERS_URL: '' }).subgraphUrls).toEqual({});
  });
});
