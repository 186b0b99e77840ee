#!/usr/bin/python3
"""Native GDAL baseline, in-process (Debian python3-rasterio): the W1 workload of bench/run.mjs done
the Keras Spatial way, rasterio.warp.reproject per sample into a 128x128 float32 array (bilinear).
Also writes the W1 raster when asked. Prints JSON."""
import json, sys, time
import numpy as np
import rasterio
from rasterio.transform import from_origin
from rasterio.warp import reproject, Resampling

W1 = dict(width=2000, height=2000, crs='EPSG:3443', transform=from_origin(801795, 1460734.99, 48.96, 42.5675), nodata=-9999)


def make_w1(path):
    y, x = np.mgrid[0:2000, 0:2000].astype('float64')
    z = (500 + 100 * np.sin(x / 150) + 80 * np.cos(y / 210) + 30 * np.sin((x + y) / 60)).astype('float32')
    prof = dict(driver='GTiff', count=1, dtype='float32', tiled=True, blockxsize=256, blockysize=256, **W1)
    with rasterio.open(path, 'w', **prof) as d:
        d.write(z, 1)


def regular_grid(xmin, ymin, xmax, ymax, size):
    nx = max(1, int((xmax - xmin) // size))
    ny = max(1, int((ymax - ymin) // size))
    xs = np.linspace(xmin, xmax - size, nx)
    ys = np.linspace(ymin, ymax - size, ny)
    return [(x, y, x + size, y + size) for y in ys for x in xs]


def run(path, passes=3):
    with rasterio.open(path) as src:
        boxes = regular_grid(*src.bounds, 5000)
        out = np.empty((128, 128), dtype='float32')
        best = None
        for _ in range(passes):
            t0 = time.perf_counter()
            for (x0, y0, x1, y1) in boxes:
                dst_t = rasterio.transform.from_bounds(x0, y0, x1, y1, 128, 128)
                reproject(rasterio.band(src, 1), out, dst_transform=dst_t, dst_crs=src.crs, resampling=Resampling.bilinear, dst_nodata=-9999)
            dt = time.perf_counter() - t0
            best = dt if best is None else min(best, dt)
        return {'samples': len(boxes), 'seconds': best, 'samples_per_s': len(boxes) / best, 'gdal': rasterio.__gdal_version__}


if __name__ == '__main__':
    if sys.argv[1] == 'make':
        make_w1(sys.argv[2])
        print(json.dumps({'ok': True}))
    else:
        print(json.dumps(run(sys.argv[2])))
