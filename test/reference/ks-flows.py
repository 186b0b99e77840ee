#!/usr/bin/python3
"""Batches made by Keras Spatial itself (flow_from_dataframe), for test/keras-alignment.test.ts:
geotensor's flow(..., { alignment: 'keras-spatial' }) must give the same arrays. Each case stores
the sample boxes exactly as geopandas has them (JSON floats round-trip), the CRS, the arguments, and
the first batches' pixels (interleave 'band': [batch, bands, h, w], little-endian).
Run with Debian's python3 (python3-rasterio, python3-geopandas, python3-scipy):
PYTHONPATH=../shared/keras-spatial /usr/bin/python3 test/reference/ks-flows.py"""
import json, os
import numpy as np
import rasterio
from rasterio.warp import Resampling
from keras_spatial import SpatialDataGenerator

here = os.path.dirname(os.path.abspath(__file__))
data = os.path.join(here, '..', '..', '..', 'shared', 'data')
fixtures = os.path.join(here, '..', 'fixtures')
out = os.path.join(fixtures, 'ks-flows')
os.makedirs(out, exist_ok=True)

def case(name, source, grid, width, height, indexes, resampling, batch_size, batches, note):
    sdg = SpatialDataGenerator(source=source, indexes=indexes, interleave='band', resampling=resampling)
    df = grid()
    arrays = []
    for k, batch in enumerate(sdg.flow_from_dataframe(df, width, height, batch_size=batch_size)):
        arrays.append(batch)
        if k + 1 == batches:
            break
    arr = np.concatenate(arrays)
    arr.astype(arr.dtype.newbyteorder('<')).tofile(os.path.join(out, f'{name}.bin'))
    return {
        'name': name,
        'source': os.path.relpath(source, os.path.join(here, '..', '..')).replace('../shared/data/', 'shared:').replace('test/fixtures/', 'fixture:'),
        'crs': df.crs.to_string() if df.crs else None,
        'boxes': [list(b) for b in df.bounds.itertuples(index=False)],
        'count': int(len(arr)),
        'width': width,
        'height': height,
        'indexes': indexes,
        'resampling': resampling.name,
        'batchSize': batch_size,
        'dtype': str(arr.dtype),
        'shape': list(arr.shape),
        'note': note,
    }

lux = SpatialDataGenerator(source=os.path.join(data, 'elev.tif'))
small = SpatialDataGenerator(source=os.path.join(data, 'keras_spatial_small.tif'))
l7 = SpatialDataGenerator(source=os.path.join(data, 'L7_ETMs.tif'))
labels = SpatialDataGenerator(source=os.path.join(fixtures, 'olinda_label_4326.tif'))
cases = [
    case('lux-64-nearest', os.path.join(data, 'elev.tif'), lambda: lux.regular_grid(0.1, 0.1), 64, 64, [1], Resampling.nearest, 16, 2,
         'int16 with nodata, EPSG:4326; the VRT is 479 rows (truncated), the bottom rows read one pixel north (NOTES.md bug 7)'),
    case('small-32-bilinear', os.path.join(data, 'keras_spatial_small.tif'), lambda: small.regular_grid(100, 100), 32, 32, [1, 2], Resampling.bilinear, 16, 1,
         'float32 without nodata, EPSG:3443 (US survey feet), upsampled 20 -> 32 pixels'),
    case('l7-48-bilinear', os.path.join(data, 'L7_ETMs.tif'), lambda: l7.regular_grid(2000, 2000, overlap=0.25), 48, 48, [3, 2, 1], Resampling.bilinear, 16, 1,
         'uint8, three bands, downsampled about 70 -> 48 pixels, overlapping samples snapped to the VRT'),
    case('dem-through-labels-32-bilinear', os.path.join(data, 'olinda_dem_utm25s.tif'), lambda: labels.regular_grid(0.01, 0.01), 32, 32, [1], Resampling.bilinear, 16, 1,
         'the Olinda DEM (a user-defined UTM 25S CRS) read through a grid of the EPSG:4326 label raster: reprojected'),
]
with open(os.path.join(out, 'cases.json'), 'w') as f:
    json.dump({'gdal': rasterio.__gdal_version__, 'rasterio': rasterio.__version__, 'cases': cases}, f, indent=1)
for c in cases:
    print(c['name'], c['shape'], c['dtype'])
