// A seeded random number generator for the generated-input tests (robustness, attack): the
// same cases on every machine, so a failure names a case that can be run again.

/** mulberry32: numbers in [0, 1) from a 32-bit seed. */
export function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
