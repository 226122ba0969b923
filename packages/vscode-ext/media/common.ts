// Shared by the webview scripts: the VS Code API handle, the inert init JSON, and small DOM helpers.
interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export const vscode = acquireVsCodeApi();

export function initData<T>(): T {
  return JSON.parse(document.getElementById('init')?.textContent ?? '{}') as T;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Decodes an image URL into RGBA pixels (same-origin webview resources and data: URLs only, per the CSP). */
export function loadPixels(src: string): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const g = c.getContext('2d', { willReadFrequently: true });
      if (!g) return reject(new Error('no 2D canvas'));
      g.drawImage(img, 0, 0);
      resolve({ width: c.width, height: c.height, data: g.getImageData(0, 0, c.width, c.height).data });
    };
    img.onerror = () => reject(new Error(`cannot decode ${src.slice(0, 80)}`));
    img.src = src;
  });
}

/** Colour of a theme variable, for canvas drawing (CSS variables do not reach canvas otherwise). */
export function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

export function fmt(v: number): string {
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(2) : v.toFixed(3);
}
