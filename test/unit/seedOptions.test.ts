import { demoDataSet, parseSeedOptions } from '@fedstack/devkit';

describe('parseSeedOptions (npm run seed -- --users N --orders M)', () => {
  it('defaults to the demo data set', () => {
    expect(parseSeedOptions([])).toEqual(demoDataSet);
  });

  it('reads --users and --orders, with a space or an equals sign', () => {
    expect(parseSeedOptions(['--users', '1000', '--orders=100000'])).toEqual({ users: 1000, orders: 100_000 });
    expect(parseSeedOptions(['--orders', '0'])).toEqual({ users: 1000, orders: 0 });
  });

  it('refuses anything else with a sentence naming the flag', () => {
    expect(() => parseSeedOptions(['--orders', '-5'])).toThrow('--orders must be a whole number of orders, 0 or more, but got: -5');
    expect(() => parseSeedOptions(['--users'])).toThrow('--users must be a whole number of users, 0 or more, but got: nothing');
    expect(() => parseSeedOptions(['--size', '5'])).toThrow('Unknown option --size: expected --users N and/or --orders M.');
  });
});
