#!/usr/bin/env python3
"""Native references for footprints: per case, native `gdalwarp` of the raster into the case's grid
(-te, -ts, -t_srs, -r near, -dstalpha), the valid cells (alpha > 0) counted, and GDAL's
`GDALPolygonize` (through rasterio.features.shapes, 4-connected) of them: each polygon's area, its
hole count and its exterior's vertex count, sorted by area. Run with Debian's python3 (rasterio):
/usr/bin/python3 test/reference/footprint.py; CI runs it before the tests."""
import json
import os
import subprocess
import tempfile

import numpy as np
import rasterio
from rasterio.features import shapes
from shapely.geometry import shape

here = os.path.dirname(os.path.abspath(__file__))
data = os.path.normpath(os.path.join(here, '../../../shared/data'))
out = os.path.join(here, '../fixtures/footprint/cases.json')

# Grids chosen so that cells do not straddle the source's pixel edges in the native case.
CASES = [
    {'name': 'elev native', 'file': 'elev.tif', 'crs': 'EPSG:4326',
     'bounds': [5.741666666666666, 49.441666666666663, 6.533333333333333, 50.191666666666663], 'width': 95, 'height': 90},
    {'name': 'elev 2x coarser', 'file': 'elev.tif', 'crs': 'EPSG:4326',
     'bounds': [5.741666666666666, 49.441666666666663, 6.541666666666666, 50.191666666666663], 'width': 48, 'height': 45},
    {'name': 'elev in EPSG:2169 at 500 m', 'file': 'elev.tif', 'crs': 'EPSG:2169',
     'bounds': [49000, 56000, 107000, 140000], 'width': 116, 'height': 168},
    {'name': 'olinda DEM in EPSG:4326', 'file': 'olinda_dem_utm25s.tif', 'crs': 'EPSG:4326',
     'bounds': [-34.92, -8.044, -34.824, -7.948], 'width': 120, 'height': 120},
]

results = []
with tempfile.TemporaryDirectory() as tmp:
    for c in CASES:
        dst = os.path.join(tmp, 'warped.tif')
        b = c['bounds']
        subprocess.run(['gdalwarp', '-q', '-overwrite', '-t_srs', c['crs'], '-te', *map(repr, b), '-ts', str(c['width']), str(c['height']),
                        '-r', 'near', '-dstalpha', os.path.join(data, c['file']), dst], check=True)
        with rasterio.open(dst) as ds:
            alpha = ds.read(ds.count)
            transform = ds.transform
        valid = (alpha > 0).astype(np.uint8)
        polys = []
        for geom, value in shapes(valid, mask=valid > 0, transform=transform, connectivity=4):
            g = shape(geom)
            polys.append({'area': g.area, 'holes': len(g.interiors), 'vertices': len(g.exterior.coords) - 1})
        polys.sort(key=lambda p: -p['area'])
        results.append({**c, 'validPixels': int(valid.sum()), 'polygons': polys,
                        'rowSums': valid.sum(axis=1).astype(int).tolist()})

with open(out, 'w') as f:
    json.dump({'generator': 'test/reference/footprint.py (gdalwarp -dstalpha + GDALPolygonize via rasterio.features.shapes)',
               'gdal': rasterio.__gdal_version__, 'cases': results}, f, indent=1)
print(f'wrote {len(results)} footprint cases to {os.path.relpath(out)}')
