import { createTokenVerifier } from './createTokenVerifier';
import { mintToken } from '@fedstack/devkit';

const auth = { jwtSecret: 's'.repeat(40), jwksUrl: undefined, issuer: 'fedstack', audience: 'fedstack-api', clockToleranceSeconds: 0 };
const userId = '677485800001000000000000';

describe('createTokenVerifier', () => {
  it('answers anonymous without a header, and the token\'s user and roles with one', async () => {
    const verify = createTokenVerifier(auth);
    expect(await verify(undefined)).toEqual({ userId: null, roles: [] });
    const token = await mintToken(auth, { userId, roles: ['admin', 'Not A Role'] });
    expect(await verify(`Bearer ${token}`)).toEqual({ userId, roles: ['admin'] });
  });

  describe('on a fake clock', () => {
    // Only Date is faked: jose's WebCrypto calls need the real event loop (microtasks, nextTick).
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'clearImmediate'] }));
    afterEach(() => jest.useRealTimers());

    it('remembers a verified token, but never past its expiry', async () => {
      // At a whole second, so the token's `exp` (whole seconds) is exactly one second away.
      jest.setSystemTime(Math.ceil(Date.now() / 1000) * 1000);
      const verify = createTokenVerifier(auth);
      const token = await mintToken(auth, { userId, expiresInSeconds: 1 });
      expect((await verify(`Bearer ${token}`)).userId).toBe(userId);
      jest.setSystemTime(Date.now() + 999);
      expect((await verify(`Bearer ${token}`)).userId).toBe(userId);
      jest.setSystemTime(Date.now() + 1);
      await expect(verify(`Bearer ${token}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: 'The token has expired.' });
    });
  });

  it('does not remember a token that failed, and refuses it again', async () => {
    const verify = createTokenVerifier(auth);
    const forged = await mintToken({ ...auth, jwtSecret: 'f'.repeat(40) }, { userId });
    await expect(verify(`Bearer ${forged}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    await expect(verify(`Bearer ${forged}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});
