import { mergeInto, ownReader, type ResultMap } from './resultTree';

describe('mergeInto', () => {
  it('adopts what the target lacks, merges objects key by key and lists of one length element by element', () => {
    const adopted = { city: 'Lisbon' };
    const target: ResultMap = { id: 'u1', reviews: [{ id: 'r1' }, { id: 'r2' }], address: { street: 'Main' } };
    mergeInto(target, { name: 'Ana', reviews: [{ rating: 1 }, { rating: 2 }], address: { city: 'Lisbon' }, home: adopted });
    expect(target).toEqual({ id: 'u1', reviews: [{ id: 'r1', rating: 1 }, { id: 'r2', rating: 2 }], address: { street: 'Main', city: 'Lisbon' }, name: 'Ana', home: { city: 'Lisbon' } });
    expect(target.home).toBe(adopted);
  });

  it("shadows names Object.prototype has with own properties, and never touches Object.prototype's", () => {
    const target: ResultMap = {};
    mergeInto(target, JSON.parse('{"constructor":"c","__proto__":{"x":1},"toString":"t"}') as ResultMap);
    expect(Object.keys(target)).toEqual(['constructor', '__proto__', 'toString']);
    expect(ownReader('__proto__')(target)).toEqual({ x: 1 });
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(({} as ResultMap).x).toBeUndefined();
  });

  it('throws where one fetch answered a string and another an object for it, as stock merging does', () => {
    const target: ResultMap = { name: 'x' };
    expect(() => mergeInto(target, { name: { length: 1 } })).toThrow(TypeError);
    expect(target).toEqual({ name: 'x' });
  });
});
