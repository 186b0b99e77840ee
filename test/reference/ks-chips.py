#!/usr/bin/python3
"""Chips written by Keras Spatial itself (`flow_to_numpy`: arr_<i>.npy, one [1, bands, h, w] array per
sample, its default interleave 'band'), for test/chips.test.ts: geotensor's flowFromFiles must read them.
Run with Debian's python3 (python3-rasterio, python3-geopandas, python3-scipy):
PYTHONPATH=../shared/keras-spatial /usr/bin/python3 test/reference/ks-chips.py"""
import json, os
from keras_spatial import SpatialDataGenerator
from keras_spatial.filecache import flow_to_numpy

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, '..', 'fixtures', 'ks-chips')
sdg = SpatialDataGenerator(source=os.path.join(here, '..', '..', '..', 'shared', 'data', 'L7_ETMs.tif'), indexes=[1, 2, 3])
df = sdg.regular_grid(3000, 3000).iloc[:3]
df = flow_to_numpy(sdg, df, 8, 8, basename='arr', path=out)
files = [os.path.basename(f) for f in df['filename']] if 'filename' in df else sorted(f for f in os.listdir(out) if f.endswith('.npy'))
with open(os.path.join(out, 'files.json'), 'w') as f:
    json.dump(files, f)
print(files)
