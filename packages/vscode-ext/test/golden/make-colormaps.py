# Golden colour maps from matplotlib (independent of our implementation):  /usr/bin/python3 make-colormaps.py
# writes stops.json (65 stops per map for viridis and inferno, pasted into src/webview-logic/colormap.ts; jet is
# piecewise linear and coded from its segment data) and colormaps.golden.json (matplotlib's 256-entry LUTs,
# indexed by integer so entry i is exactly matplotlib's colour for level i/255).
import json
import matplotlib
import numpy as np

out_stops, out_full = {}, {}
for name in ['jet', 'viridis', 'inferno']:
    cmap = matplotlib.colormaps[name]
    lut = np.array(cmap(np.arange(256)))[:, :3] * 255
    out_full[name] = lut.round().astype(int).tolist()
    if name != 'jet':
        pos = np.linspace(0, 255, 65)
        stops = np.stack([np.interp(pos, np.arange(256), lut[:, c]) for c in range(3)], axis=1)
        out_stops[name] = stops.round().astype(int).tolist()
json.dump(out_stops, open('stops.json', 'w'))
json.dump(out_full, open('colormaps.golden.json', 'w'))
print('matplotlib', matplotlib.__version__)
