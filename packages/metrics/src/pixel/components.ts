/** Connected components of a binary mask. */
export interface Components {
  /** Per pixel: 0 for background, else the component id 1..count. */
  labels: Int32Array;
  count: number;
  /** sizes[id] = pixel count of component id (sizes[0] unused). */
  sizes: Int32Array;
}

/**
 * Labels foreground regions with **8-connectivity** (diagonal neighbours join a region), as
 * `scipy.ndimage.label(mask, structure=np.ones((3, 3)))` in the MVTec AD AUPRO reference.
 * Iterative flood fill, so large regions cannot overflow the call stack.
 */
export function connectedComponents(
  mask: Uint8Array,
  width: number,
  height: number,
  scratch?: { labels: Int32Array; stack: Int32Array },
): Components {
  const n = width * height;
  let labels: Int32Array;
  let stack: Int32Array;
  if (scratch) {
    // Caller-owned buffers, grown on demand; `labels` is only valid until the next call.
    if (scratch.labels.length < n) {
      scratch.labels = new Int32Array(n);
      scratch.stack = new Int32Array(n);
    }
    labels = scratch.labels.subarray(0, n);
    labels.fill(0);
    stack = scratch.stack;
  } else {
    labels = new Int32Array(n);
    stack = new Int32Array(n);
  }
  const sizes: number[] = [0];
  let count = 0;
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] === 0 || labels[start] !== 0) continue;
    count++;
    let size = 0;
    let top = 0;
    stack[top++] = start;
    labels[start] = count;
    while (top > 0) {
      const p = stack[--top];
      size++;
      const x = p % width;
      const y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (mask[q] !== 0 && labels[q] === 0) {
            labels[q] = count;
            stack[top++] = q;
          }
        }
      }
    }
    sizes.push(size);
  }
  return { labels, count, sizes: Int32Array.from(sizes) };
}
