// Zoom and pan shared by the heatmap's canvases (original and overlay move together): the wheel zooms about the
// pointer, a drag pans, a double click (or reset()) returns to the whole image. Transforms are set through the
// CSSOM (the CSP allows no inline style attributes).
export interface ZoomPan {
  reset(): void;
  /** Current zoom factor (1 = fit), for tests reading the DOM. */
  readonly zoom: number;
}

export function zoomPan(frames: HTMLElement[], canvases: HTMLCanvasElement[], onChange: () => void = () => undefined): ZoomPan {
  const v = { z: 1, x: 0, y: 0 };
  const apply = () => {
    for (const c of canvases) {
      c.style.transformOrigin = '0 0';
      c.style.transform = `translate(${v.x}px, ${v.y}px) scale(${v.z})`;
      c.dataset.zoom = v.z.toFixed(3);
    }
    onChange();
  };
  const clamp = (f: HTMLElement) => {
    const w = f.clientWidth;
    const h = f.clientHeight;
    v.x = Math.min(0, Math.max(w - w * v.z, v.x));
    v.y = Math.min(0, Math.max(h - h * v.z, v.y));
  };
  for (const f of frames) {
    f.addEventListener('wheel', (ev) => {
      ev.preventDefault();
      const r = f.getBoundingClientRect();
      const px = ev.clientX - r.left;
      const py = ev.clientY - r.top;
      const z = Math.min(16, Math.max(1, v.z * Math.exp(-ev.deltaY / 300)));
      // keep the point under the pointer fixed
      v.x = px - ((px - v.x) * z) / v.z;
      v.y = py - ((py - v.y) * z) / v.z;
      v.z = z;
      clamp(f);
      apply();
    }, { passive: false });
    let drag: { x: number; y: number } | undefined;
    f.addEventListener('pointerdown', (ev) => {
      if (v.z === 1) return;
      drag = { x: ev.clientX - v.x, y: ev.clientY - v.y };
      f.setPointerCapture(ev.pointerId);
    });
    f.addEventListener('pointermove', (ev) => {
      if (!drag) return;
      v.x = ev.clientX - drag.x;
      v.y = ev.clientY - drag.y;
      clamp(f);
      apply();
    });
    f.addEventListener('pointerup', () => (drag = undefined));
    f.addEventListener('dblclick', () => reset());
  }
  function reset(): void {
    v.z = 1;
    v.x = 0;
    v.y = 0;
    apply();
  }
  return { reset, get zoom() { return v.z; } };
}
