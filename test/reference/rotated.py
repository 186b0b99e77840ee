#!/usr/bin/env python3
"""Native references for turned sample grids (samples.augment({ rotate }) → readWindow rotation):
per case, a target GeoTIFF whose geotransform is the box's frame turned counter-clockwise about its
centre, filled by native `gdalwarp` (warping into an existing file keeps its grid), read back.
Run with Debian's python3: /usr/bin/python3 test/reference/rotated.py; CI runs it before the tests."""
import json
import math
import os
import subprocess
import tempfile

import numpy as np
import rasterio
from affine import Affine

here = os.path.dirname(os.path.abspath(__file__))
data = os.path.normpath(os.path.join(here, '../../../shared/data'))
out = os.path.join(here, '../fixtures/rotated/cases.json')

CASES = [
    {'file': 'elev.tif', 'crs': 'EPSG:2169', 'bounds': [70000, 90000, 82000, 98000], 'width': 24, 'height': 16, 'rotation': 30, 'resampling': 'near'},
    {'file': 'elev.tif', 'crs': 'EPSG:2169', 'bounds': [70000, 90000, 82000, 98000], 'width': 24, 'height': 16, 'rotation': 30, 'resampling': 'bilinear'},
    {'file': 'elev.tif', 'crs': 'EPSG:2169', 'bounds': [60000, 100000, 68000, 112000], 'width': 16, 'height': 24, 'rotation': -75, 'resampling': 'near'},
    {'file': 'olinda_dem_utm25s.tif', 'crs': 'EPSG:31985', 'bounds': [290000, 9112000, 294000, 9116000], 'width': 20, 'height': 20, 'rotation': 120, 'resampling': 'bilinear'},
]


def turned(bounds, width, height, degrees):
    minx, miny, maxx, maxy = bounds
    px, py = (maxx - minx) / width, (maxy - miny) / height
    t = math.radians(degrees)
    c, s = math.cos(t), math.sin(t)
    cx, cy, hw, hh = (minx + maxx) / 2, (miny + maxy) / 2, (maxx - minx) / 2, (maxy - miny) / 2
    # Affine(a, b, c, d, e, f): x = a*col + b*row + c, y = d*col + e*row + f
    return Affine(px * c, py * s, cx - hw * c - hh * s, px * s, -py * c, cy - hw * s + hh * c)


results = []
with tempfile.TemporaryDirectory() as tmp:
    for c in CASES:
        dst = os.path.join(tmp, 'target.tif')
        with rasterio.open(os.path.join(data, c['file'])) as src:
            dtype = 'float32'
            nodata = src.nodata
        profile = {'driver': 'GTiff', 'width': c['width'], 'height': c['height'], 'count': 1, 'dtype': dtype, 'crs': c['crs'],
                   'transform': turned(c['bounds'], c['width'], c['height'], c['rotation'])}
        if nodata is not None:
            profile['nodata'] = nodata
        with rasterio.open(dst, 'w', **profile) as ds:
            ds.write(np.full((1, c['height'], c['width']), nodata if nodata is not None else 0, dtype=dtype))
        subprocess.run(['gdalwarp', '-q', '-r', c['resampling'], os.path.join(data, c['file']), dst], check=True)
        with rasterio.open(dst) as ds:
            values = ds.read(1).astype(float).ravel().tolist()
        results.append({**c, 'nodata': nodata, 'values': values})

os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, 'w') as f:
    json.dump({'generator': 'test/reference/rotated.py (gdalwarp into a target with a turned geotransform)', 'gdal': rasterio.__gdal_version__, 'cases': results}, f)
print(f'wrote {len(results)} turned-grid cases to {os.path.relpath(out)}')
