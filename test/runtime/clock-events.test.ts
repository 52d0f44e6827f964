import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/runtime/clock.ts';
import { PeerEvents } from '../../src/runtime/events.ts';

describe('the manual clock', () => {
  it('fires each timer once per period that falls due, earliest first, and not after it is cancelled', () => {
    const clock = new ManualClock(1000);
    const fired: string[] = [];
    const stopA = clock.every(100, () => fired.push(`a@${clock.now()}`));
    clock.every(250, () => fired.push(`b@${clock.now()}`));
    clock.advance(300);
    expect(fired).toEqual(['a@1100', 'a@1200', 'b@1250', 'a@1300']);
    stopA();
    clock.advance(200);
    expect(fired.slice(4)).toEqual(['b@1500']);
    expect(clock.now()).toBe(1500);
  });
});

describe('peer events', () => {
  it('keep only the newest events up to the history bound, and a throwing listener does not stop the others', () => {
    const events = new PeerEvents(3);
    const heard: number[] = [];
    events.on(() => {
      throw new Error('a buggy listener');
    });
    events.on((e) => {
      if (e.type === 'established') heard.push(e.epoch);
    });
    for (let epoch = 1; epoch <= 5; epoch++) events.emit({ type: 'established', epoch });
    events.emit({ type: 'stopped' });
    expect(heard).toEqual([1, 2, 3, 4, 5]);
    expect(events.history().map((e) => e.type)).toEqual(['established', 'established', 'stopped']);
    expect(events.history('established').map((e) => e.epoch)).toEqual([4, 5]);
    expect(events.listenerErrors).toBe(6);
  });
});
