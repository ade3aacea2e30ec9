import fc from 'fast-check';
import { PrefixCache } from './prefix-cache';

describe('prefix cache', () => {
  it('hits exactly when the prefix is among the last `capacity` distinct prefixes seen (an LRU model)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 80 }), fc.integer({ min: 0, max: 6 }), (keys, capacity) => {
        const cache = new PrefixCache();
        const model: string[] = [];
        for (const key of keys) {
          const expected = capacity > 0 && model.includes(key);
          if (cache.lookup(key, capacity) !== expected) return false;
          model.splice(model.indexOf(key) >>> 0, model.includes(key) ? 1 : 0);
          if (capacity > 0) model.push(key);
          while (model.length > capacity) model.shift();
        }
        return true;
      }),
    );
  });
});
