/**
 * Sorting for large score arrays. V8's `Float64Array#sort` takes ~3 s for 10⁷ doubles; an LSD
 * radix sort on the IEEE-754 bit patterns (4 passes of 16 bits) is several times faster and exact
 * (the bit transform makes unsigned order equal numeric order for finite values; −0 sorts just
 * below +0, which `===`-based tie grouping treats as one value).
 */
const RADIX_MIN = 1 << 15;
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Sorts finite values descending, in place; returns `a`. */
export function sortDescending(a: Float64Array): Float64Array {
  if (a.length < RADIX_MIN || !littleEndian) return a.sort().reverse();
  const n = a.length;
  let keys: Uint32Array<ArrayBufferLike> = new Uint32Array(a.buffer, a.byteOffset, 2 * n);
  // Transform in place: negative → flip all bits; non-negative → flip the sign bit.
  for (let i = 0; i < 2 * n; i += 2) {
    if (keys[i + 1] & 0x80000000) {
      keys[i] = ~keys[i];
      keys[i + 1] = ~keys[i + 1];
    } else keys[i + 1] ^= 0x80000000;
  }
  let tmp: Uint32Array<ArrayBufferLike> = new Uint32Array(2 * n);
  const count = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass >> 1;
    const shift = (pass & 1) * 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(keys[2 * i + word] >>> shift) & 0xffff]++;
    if (count[(keys[word] >>> shift) & 0xffff] === n) continue; // every key shares this digit
    // Descending: larger digits first.
    let sum = 0;
    for (let d = 65535; d >= 0; d--) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const lo = keys[2 * i];
      const hi = keys[2 * i + 1];
      const j = 2 * count[((word === 0 ? lo : hi) >>> shift) & 0xffff]++;
      tmp[j] = lo;
      tmp[j + 1] = hi;
    }
    const t = keys;
    keys = tmp;
    tmp = t;
  }
  for (let i = 0; i < 2 * n; i += 2) {
    if (keys[i + 1] & 0x80000000) keys[i + 1] ^= 0x80000000;
    else {
      keys[i] = ~keys[i];
      keys[i + 1] = ~keys[i + 1];
    }
  }
  if (keys.buffer !== a.buffer) a.set(new Float64Array(keys.buffer, keys.byteOffset, n));
  return a;
}
