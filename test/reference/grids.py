#!/usr/bin/python3
"""Reference grids computed the way Keras Spatial does (numpy.linspace over rasterio bounds), for
test/grid.test.ts. Run with Debian's python3 (python3-rasterio): /usr/bin/python3 test/reference/grids.py"""
import json, os
import numpy as np
import rasterio

here = os.path.dirname(os.path.abspath(__file__))
data = os.path.join(here, '..', '..', '..', 'shared', 'data')
out = os.path.join(here, '..', 'fixtures', 'grids', 'regular.json')


def regular_grid(xmin, ymin, xmax, ymax, xsize, ysize, overlap=0):
    # Keras Spatial's formula, with at least one sample per axis.
    nx = max(1, int((xmax - xmin) // (xsize - xsize * overlap)))
    ny = max(1, int((ymax - ymin) // (ysize - ysize * overlap)))
    x = np.linspace(xmin, xmax - xsize, num=nx)
    y = np.linspace(ymin, ymax - ysize, num=ny)
    X, Y = np.meshgrid(x, y)
    return [[float(a), float(b), float(a + xsize), float(b + ysize)] for a, b in np.nditer([X, Y])]


cases = []
for name, size, units, overlap in [
    ('elev.tif', (0.1, 0.1), 'native', 0.0),
    ('elev.tif', (0.1, 0.05), 'native', 0.25),
    ('elev.tif', (10, 10), 'pixels', 0.0),
    ('L7_ETMs.tif', (1000, 1000), 'native', 0.0),
    ('L7_ETMs.tif', (1000, 1000), 'native', 0.5),
    ('L7_ETMs.tif', (128, 128), 'pixels', 0.0),
    ('L7_ETMs.tif', (20000, 20000), 'native', 0.0),
    ('keras_spatial_small.tif', (200, 200), 'native', 0.0),
    ('keras_spatial_small.tif', (64, 64), 'pixels', 0.2),
]:
    with rasterio.open(os.path.join(data, name)) as src:
        b = tuple(src.bounds)
        res = src.res
    w, h = size if units == 'native' else (size[0] * res[0], size[1] * res[1])
    boxes = regular_grid(*b, w, h, overlap)
    cases.append({'file': name, 'width': size[0], 'height': size[1], 'units': units, 'overlap': overlap,
                  'bounds': list(b), 'count': len(boxes), 'boxes': boxes})

with open(out, 'w') as f:
    json.dump({'numpy': np.__version__, 'rasterio': rasterio.__version__, 'cases': cases}, f)
print(f'{len(cases)} grids -> {out}')
