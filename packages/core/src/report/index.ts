// The HTML report: charts, overlays and the page itself.
export * from './html.js';
export * from './overlay.js';
export * from './svg.js';
