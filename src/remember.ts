// Small bounded memories: a least-recently-used map, and a pure function's results kept in one. For what is worked
// out again and again for the same input (a passage read, a question normalised, a sentence's figures described):
// bounded, so a busy bot cannot grow without limit.

/** A small least-recently-used map: a Map keeps insertion order, so the first key is the oldest. */
export function lru<K, V>(capacity: number) {
  const map = new Map<K, V>();
  return {
    get(key: K): V | undefined {
      const v = map.get(key);
      if (v !== undefined) {
        map.delete(key);
        map.set(key, v);
      }
      return v;
    },
    set(key: K, value: V) {
      map.delete(key);
      map.set(key, value);
      if (map.size > capacity) map.delete(map.keys().next().value as K);
    },
    delete(key: K) {
      map.delete(key);
    },
    get size() {
      return map.size;
    },
  };
}

/** `compute` (pure) with its results for the `capacity` most recently used keys remembered. */
export function remembered<K, V>(capacity: number, compute: (key: K) => V): (key: K) => V {
  const memory = lru<K, V>(capacity);
  return (key) => {
    let value = memory.get(key);
    if (value === undefined) memory.set(key, (value = compute(key)));
    return value;
  };
}
