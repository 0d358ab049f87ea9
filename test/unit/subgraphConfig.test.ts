import { ConfigError } from '@fedstack/server';
import { loadConfig as loadOrdersConfig } from '@fedstack/orders';
import { loadConfig as loadUsersConfig } from '@fedstack/users';

/** What both subgraphs read alike; each test gives only what `loadConfig` requires besides. */
const subgraphs = [
  { name: 'users', load: loadUsersConfig },
  { name: 'orders', load: loadOrdersConfig },
];
const required = { MONGO_URL: 'mongodb://localhost:27017' };

describe.each(subgraphs)("the $name subgraph's config", ({ load }) => {
  it('takes the page maximum from MAX_PAGE_SIZE, 100 unless set, like the router', () => {
    expect(load(required).maxPageSize).toBe(100);
    expect(load({ ...required, MAX_PAGE_SIZE: '500' }).maxPageSize).toBe(500);
  });

  it('refuses to start with a MAX_PAGE_SIZE outside 1 to 10000', () => {
    expect(() => load({ ...required, MAX_PAGE_SIZE: '0' })).toThrow(new ConfigError('MAX_PAGE_SIZE must be a whole number from 1 to 10000, but got: "0"'));
    expect(() => load({ ...required, MAX_PAGE_SIZE: '20000' })).toThrow(ConfigError);
  });
});

describe("the orders subgraph's config", () => {
  it('reads batches of users\' orders with $group and $firstN unless ORDERS_BATCH_QUERY says find', () => {
    expect(loadOrdersConfig(required).batchQuery).toBe('group');
    expect(loadOrdersConfig({ ...required, ORDERS_BATCH_QUERY: 'find' }).batchQuery).toBe('find');
  });

  it('refuses another ORDERS_BATCH_QUERY with a sentence naming the choices', () => {
    expect(() => loadOrdersConfig({ ...required, ORDERS_BATCH_QUERY: 'window' })).toThrow(
      new ConfigError('ORDERS_BATCH_QUERY must be one of group, find, but got: "window"'),
    );
  });
});
