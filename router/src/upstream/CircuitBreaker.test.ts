import { CircuitBreaker } from './CircuitBreaker';

/** A breaker on a clock the test moves by hand. */
function breakerAt(options: { failureThreshold: number; openMs: number }) {
  let now = 1_000;
  let opened = 0;
  const breaker = new CircuitBreaker({ ...options, now: () => now, onOpen: () => (opened += 1) });
  return { breaker, advance: (ms: number) => (now += ms), opened: () => opened };
}

describe('CircuitBreaker', () => {
  it('lets calls pass until failures in a row reach the threshold, then refuses them', () => {
    const { breaker, opened } = breakerAt({ failureThreshold: 3, openMs: 100 });
    breaker.fail();
    breaker.fail();
    expect(breaker.decide()).toBe('pass');
    breaker.fail();
    expect(opened()).toBe(1);
    expect(breaker.decide()).toBe('refuse');
    expect(breaker.isOpen).toBe(true);
  });

  it('counts failures in a row only: a success in between starts the count again', () => {
    const { breaker } = breakerAt({ failureThreshold: 2, openMs: 100 });
    breaker.fail();
    breaker.succeed();
    breaker.fail();
    expect(breaker.decide()).toBe('pass');
  });

  it('after openMs lets one probe through, refuses the others meanwhile, and closes when it succeeds', () => {
    const { breaker, advance } = breakerAt({ failureThreshold: 1, openMs: 100 });
    breaker.fail();
    advance(99);
    expect(breaker.decide()).toBe('refuse');
    advance(1);
    expect(breaker.decide()).toBe('probe');
    expect(breaker.decide()).toBe('refuse');
    breaker.succeed();
    expect(breaker.decide()).toBe('pass');
    expect(breaker.isOpen).toBe(false);
  });

  it('opens again for another openMs when the probe fails', () => {
    const { breaker, advance, opened } = breakerAt({ failureThreshold: 1, openMs: 100 });
    breaker.fail();
    advance(100);
    expect(breaker.decide()).toBe('probe');
    breaker.fail();
    expect(opened()).toBe(2);
    advance(99);
    expect(breaker.decide()).toBe('refuse');
    advance(1);
    expect(breaker.decide()).toBe('probe');
  });

  it('ignores failures reported while open (calls that were under way when it opened)', () => {
    const { breaker, advance, opened } = breakerAt({ failureThreshold: 1, openMs: 100 });
    breaker.fail();
    advance(60);
    breaker.fail();
    expect(opened()).toBe(1);
    advance(40);
    expect(breaker.decide()).toBe('probe');
  });
});

describe('CircuitBreaker, a probe with no verdict', () => {
  it('lets the next call probe at once when the probe is abandoned', () => {
    const { breaker, advance } = breakerAt({ failureThreshold: 1, openMs: 100 });
    breaker.fail();
    advance(100);
    expect(breaker.decide()).toBe('probe');
    expect(breaker.probing).toBe(true);
    breaker.abandonProbe();
    expect(breaker.decide()).toBe('probe');
  });
});
