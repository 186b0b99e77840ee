#!/usr/bin/python3
"""Random grids made by Keras Spatial itself after np.random.seed(n), for test/grid.test.ts: geotensor's
randomGrid(..., { rng: 'numpy', seed: n }) must give the same boxes, bit for bit.
Run: PYTHONPATH=../shared/keras-spatial /usr/bin/python3 test/reference/ks-random.py"""
import json, os
import numpy as np
from keras_spatial import SpatialDataGenerator

here = os.path.dirname(os.path.abspath(__file__))
data = os.path.join(here, '..', '..', '..', 'shared', 'data')
cases = []
for name, w, h, count, seed, units in [('elev.tif', 0.1, 0.1, 25, 12345, 'native'), ('L7_ETMs.tif', 1000, 800, 40, 0, 'native'), ('L7_ETMs.tif', 32, 32, 10, 4294967295, 'pixels')]:
    sdg = SpatialDataGenerator(source=os.path.join(data, name))
    np.random.seed(seed)
    df = sdg.random_grid(w, h, count, units=units)
    cases.append({'file': name, 'width': w, 'height': h, 'count': count, 'seed': seed, 'units': units, 'boxes': [list(map(float, g.bounds)) for g in df.geometry]})
with open(os.path.join(here, '..', 'fixtures', 'grids', 'ks-random.json'), 'w') as f:
    json.dump(cases, f)
print([len(c['boxes']) for c in cases])
