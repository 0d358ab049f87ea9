import { BufferResponse } from './BufferResponse';

describe('BufferResponse', () => {
  const answer = () => new BufferResponse(Buffer.from('{"data":{"ok":true}}'), 200, 'OK', [['Content-Type', 'application/json'], ['Set-Cookie', 'a=1'], ['set-cookie', 'b=2']], 'http://users/graphql');

  it('reads headers by any case, joining repeated ones like the Fetch API', () => {
    const response = answer();
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('CONTENT-TYPE')).toBe('application/json');
    expect(response.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(response.headers.get('x-missing')).toBeNull();
    expect([...response.headers]).toContainEqual(['content-type', 'application/json']);
    expect(response).toMatchObject({ ok: true, status: 200, statusText: 'OK', url: 'http://users/graphql', redirected: false });
  });

  it('reads its body once, and clones share the bytes for another read each', async () => {
    const response = answer();
    const copies = [response.clone(), response.clone()];
    expect(await response.json()).toEqual({ data: { ok: true } });
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow('already used');
    expect(() => response.clone()).toThrow('already used');
    expect(await copies[0]!.text()).toBe('{"data":{"ok":true}}');
    expect(new TextDecoder().decode(await copies[1]!.arrayBuffer())).toBe('{"data":{"ok":true}}');
  });

  it('drops a leading byte order mark, as the Fetch API does', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"data":null}')]);
    expect(await new BufferResponse(body, 200, 'OK', []).json()).toEqual({ data: null });
  });

  it('is not ok outside 2xx, and reads an absent body as empty', async () => {
    const response = new BufferResponse(null, 503, 'Service Unavailable', []);
    expect(response.ok).toBe(false);
    expect(await response.text()).toBe('');
  });
});
