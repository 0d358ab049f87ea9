import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { startFerretDB } from '@fedstack/devkit';

describe('the embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fedstack-ferret-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses a port another process holds, instead of quietly using that process', async () => {
    const squatter = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as AddressInfo;
    await expect(startFerretDB({ dataDir, port, log: () => {} })).rejects.toThrow(`Port ${port} on 127.0.0.1 is taken by another process`);
    await new Promise((resolve) => squatter.close(resolve));
  });

  it('starts on a free port with its data in the folder, keeps it across a restart, and stops', async () => {
    const first = await startFerretDB({ dataDir, port: 0, log: () => {} });
    const client = await MongoClient.connect(first.url);
    await client.db('kept').collection('things').insertOne({ name: 'survivor' });
    await client.close();
    await first.stop();
    expect(first.process.exitCode !== null || first.process.signalCode !== null).toBe(true);

    const second = await startFerretDB({ dataDir, port: 0, log: () => {} });
    const again = await MongoClient.connect(second.url);
    expect(await again.db('kept').collection('things').findOne({}, { projection: { _id: 0 } })).toEqual({ name: 'survivor' });
    await again.close();
    await second.stop();
  });
});
