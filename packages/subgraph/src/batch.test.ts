import { createByIdLoader, groupByKeys, orderByKeys } from './batch';

describe('orderByKeys', () => {
  it('returns values in key order, null for missing keys', () => {
    const values = [{ id: 'b' }, { id: 'a' }];
    expect(orderByKeys(['a', 'x', 'b', 'a'], values, (v) => v.id)).toEqual([{ id: 'a' }, null, { id: 'b' }, { id: 'a' }]);
  });
});

describe('groupByKeys', () => {
  it('groups values under their key in the values\' order, empty for keys without values', () => {
    const values = [
      { user: 'u1', n: 1 },
      { user: 'u2', n: 2 },
      { user: 'u1', n: 3 },
    ];
    expect(groupByKeys(['u2', 'u3', 'u1'], values, (v) => v.user).map((group) => group.map((v) => v.n))).toEqual([[2], [], [1, 3]]);
  });
});

describe('createByIdLoader', () => {
  it('turns the loads of one tick into one batch call, and answers each load with its own value', async () => {
    const batches: string[][] = [];
    const loader = createByIdLoader(
      async (ids: readonly string[]) => {
        batches.push([...ids]);
        return ids.filter((id) => id !== 'missing').map((id) => ({ id, name: id.toUpperCase() }));
      },
      (value) => value.id,
    );
    const results = await Promise.all([loader.load('a'), loader.load('missing'), loader.load('b'), loader.load('a')]);
    expect(results).toEqual([{ id: 'a', name: 'A' }, null, { id: 'b', name: 'B' }, { id: 'a', name: 'A' }]);
    expect(batches).toEqual([['a', 'missing', 'b']]);
  });
});
