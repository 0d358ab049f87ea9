import { ConfigError } from '@fedstack/server';
import { loadMongoConfig } from './config';

describe('loadMongoConfig', () => {
  it('prefers the per-service URL over MONGO_URL', () => {
    expect(loadMongoConfig({ MONGO_URL: 'mongodb://shared', USERS_MONGO_URL: 'mongodb://own' }, 'USERS', 'users')).toMatchObject({ url: 'mongodb://own', dbName: 'users', maxPoolSize: 20 });
    expect(loadMongoConfig({ MONGO_URL: 'mongodb+srv://cluster', USERS_DB_NAME: 'people' }, 'USERS', 'users').dbName).toBe('people');
  });

  it('says how to get a database when none is set', () => {
    expect(() => loadMongoConfig({}, 'ORDERS', 'orders')).toThrow(/Set MONGO_URL \(or ORDERS_MONGO_URL\).*npm start/);
  });

  it('refuses a URL that is not a MongoDB connection string', () => {
    expect(() => loadMongoConfig({ MONGO_URL: 'postgres://x' }, 'ORDERS', 'orders')).toThrow(ConfigError);
  });
});
