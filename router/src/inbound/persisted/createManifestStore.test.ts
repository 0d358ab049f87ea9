import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@fedstack/server';
import { createManifestStore } from './createManifestStore';
import { documentKey, readManifest } from './readManifest';

const text = 'query One { users(first: 1) { totalCount } }';
const hex = createHash('sha256').update(text).digest('hex');
const logger = createLogger('test', 'silent');

describe('readManifest', () => {
  it('reads the client preset\'s map and Apollo\'s manifest into the same entries', () => {
    const fromPreset = readManifest(JSON.stringify({ [`sha256:${hex}`]: text }), 'preset.json');
    const fromApollo = readManifest(JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: hex, name: 'One', type: 'query', body: text }] }), 'apollo.json');
    expect(fromPreset).toEqual([{ key: `sha256:${hex}`, body: text, name: 'One', type: 'query' }]);
    expect(fromApollo).toEqual(fromPreset);
  });

  it('keys an id the same in every form a client sends it', () => {
    expect(documentKey(hex.toUpperCase())).toBe(`sha256:${hex}`);
    expect(documentKey(`sha256:${hex}`)).toBe(`sha256:${hex}`);
    expect(documentKey('web-v42/UsersPage')).toBe('web-v42/UsersPage');
    expect(documentKey('')).toBeUndefined();
  });

  it('refuses a manifest whose sha256 id is not its text\'s, or whose text is not one operation', () => {
    expect(() => readManifest(JSON.stringify({ [`sha256:${hex}`]: 'query Other { __typename }' }), 'm.json')).toThrow(`m.json: sha256:${hex} is not the sha256 of its text`);
    expect(() => readManifest(JSON.stringify({ custom: 'query A { __typename } query B { __typename }' }), 'm.json')).toThrow('m.json: the text of custom must hold exactly one operation, but holds 2.');
    expect(() => readManifest(JSON.stringify({ custom: '{ oops' }), 'm.json')).toThrow('m.json: the text of custom does not parse');
    expect(() => readManifest('[1]', 'm.json')).toThrow('m.json must be an object of id → operation text');
    expect(() => readManifest('{', 'm.json')).toThrow('m.json is not JSON');
  });
});

describe('createManifestStore', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'fedstack-store-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('keeps the operations it has when a manifest changes into one it cannot read', async () => {
    const file = join(folder, 'web.json');
    writeFileSync(file, JSON.stringify({ [`sha256:${hex}`]: text }));
    const store = createManifestStore({ paths: [folder], pollIntervalMs: 3_600_000 }, logger);
    try {
      expect(store.lookup(`sha256:${hex}`)?.name).toBe('One');
      writeFileSync(file, '{ "half a file');
      await store.refresh();
      expect(store.lookup(`sha256:${hex}`)?.name).toBe('One');
      writeFileSync(file, JSON.stringify({ other: 'query Two { __typename }' }));
      await store.refresh();
      expect([store.lookup(`sha256:${hex}`), store.lookup('other')?.name]).toEqual([undefined, 'Two']);
    } finally {
      await store.close();
    }
  });

  it('refuses two manifests that give one custom id different texts', () => {
    writeFileSync(join(folder, 'a.json'), JSON.stringify({ same: 'query A { __typename }' }));
    writeFileSync(join(folder, 'b.json'), JSON.stringify({ same: 'query B { __typename }' }));
    expect(() => createManifestStore({ paths: [folder], pollIntervalMs: 1000 }, logger)).toThrow('two manifests give the id same different texts');
  });
});
