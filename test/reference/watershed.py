"""Derives examples/data/watershed_4326.geojson and waterways_4326.geojson from the shipped DEM, deterministically: priority-flood
pit filling, D8 flow directions, flow accumulation; the outlet is the cell whose upstream area is closest
to 30 % of the DEM; its catchment (the cells draining to it) is polygonised and written in EPSG:4326,
like the watershed polygon of the Keras Spatial notebook (and in another CRS than the DEM).
The waterways are the cells draining at least 40 cells (class 1, streams) or 400 (class 2, rivers),
widened by one cell on each side (4-neighbours), polygonised per class and written in EPSG:4326: the
demo's vector labels.
Run with Debian's python3 (numpy, rasterio): /usr/bin/python3 test/reference/watershed.py"""
import heapq, json
import numpy as np
import rasterio
from rasterio import features
from rasterio.warp import transform_geom

src = rasterio.open('examples/data/olinda_dem_utm25s.tif')
z = src.read(1).astype('float64')
valid = np.isfinite(z) & (z != (src.nodata if src.nodata is not None else np.nan))
h, w = z.shape
# Priority-flood: fill pits so that every cell drains to the edge.
filled = np.where(valid, z, np.inf)
done = np.zeros_like(valid)
heap = []
for r in range(h):
    for c in range(w):
        if valid[r, c] and (r in (0, h - 1) or c in (0, w - 1) or not valid[max(r-1,0):r+2, max(c-1,0):c+2].all()):
            heapq.heappush(heap, (filled[r, c], r, c)); done[r, c] = True
nbrs = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]
while heap:
    v, r, c = heapq.heappop(heap)
    for dr, dc in nbrs:
        rr, cc = r + dr, c + dc
        if 0 <= rr < h and 0 <= cc < w and valid[rr, cc] and not done[rr, cc]:
            done[rr, cc] = True
            filled[rr, cc] = max(filled[rr, cc], v + 1e-4)
            heapq.heappush(heap, (filled[rr, cc], rr, cc))
# D8 flow directions (steepest descent on the filled surface).
to = -np.ones((h, w, 2), dtype=int)
for r in range(h):
    for c in range(w):
        if not valid[r, c]: continue
        best, arg = 0.0, None
        for dr, dc in nbrs:
            rr, cc = r + dr, c + dc
            if 0 <= rr < h and 0 <= cc < w and valid[rr, cc]:
                drop = (filled[r, c] - filled[rr, cc]) / (1.4142 if dr and dc else 1.0)
                if drop > best: best, arg = drop, (rr, cc)
        if arg: to[r, c] = arg
# Accumulation (cells in order of decreasing elevation).
acc = np.where(valid, 1, 0)
order = sorted(((filled[r, c], r, c) for r in range(h) for c in range(w) if valid[r, c]), reverse=True)
for _, r, c in order:
    rr, cc = to[r, c]
    if rr >= 0: acc[rr, cc] += acc[r, c]
target = 0.30 * valid.sum()
orow, ocol = np.unravel_index(np.argmin(np.abs(acc - target) + (~valid) * 1e9), acc.shape)
# Catchment: cells whose flow path reaches the outlet.
basin = np.zeros((h, w), dtype='uint8')
for _, r, c in sorted(order, key=lambda t: t[0]):  # low to high: downstream is known first
    rr, cc = to[r, c]
    if (r, c) == (orow, ocol) or (rr >= 0 and basin[rr, cc]): basin[r, c] = 1
shapes = [g for g, v in features.shapes(basin, mask=basin == 1, transform=src.transform) if v == 1]
largest = max(shapes, key=lambda g: len(g['coordinates'][0]))
geom = transform_geom(src.crs, 'EPSG:4326', largest, precision=7)
fc = {'type': 'FeatureCollection', 'crs': {'type': 'name', 'properties': {'name': 'urn:ogc:def:crs:OGC:1.3:CRS84'}},
      'features': [{'type': 'Feature', 'properties': {'name': 'catchment', 'cells': int(basin.sum()),
                    'outlet_row': int(orow), 'outlet_col': int(ocol)}, 'geometry': geom}]}
json.dump(fc, open('examples/data/watershed_4326.geojson', 'w'))
print(f'catchment of cell ({orow}, {ocol}): {basin.sum()} of {valid.sum()} cells; {len(geom["coordinates"][0])} vertices')

# Waterways: streams (class 1) and rivers (class 2) from the accumulation, one cell wider each side.
cls = np.where(acc >= 400, 2, np.where(acc >= 40, 1, 0)).astype('uint8')
wide = cls.copy()
for dr, dc in [(-1, 0), (1, 0), (0, -1), (0, 1)]:
    shifted = np.zeros_like(cls)
    shifted[max(dr, 0):h + min(dr, 0), max(dc, 0):w + min(dc, 0)] = cls[max(-dr, 0):h + min(-dr, 0), max(-dc, 0):w + min(-dc, 0)]
    wide = np.maximum(wide, shifted)
wide[~valid] = 0
features_out = []
for g, v in features.shapes(wide, mask=wide > 0, transform=src.transform):
    features_out.append({'type': 'Feature', 'properties': {'class': int(v), 'name': 'river' if v == 2 else 'stream'},
                         'geometry': transform_geom(src.crs, 'EPSG:4326', g, precision=7)})
ww = {'type': 'FeatureCollection', 'crs': {'type': 'name', 'properties': {'name': 'urn:ogc:def:crs:OGC:1.3:CRS84'}}, 'features': features_out}
json.dump(ww, open('examples/data/waterways_4326.geojson', 'w'))
print(f'waterways: {len(features_out)} polygons over {(wide > 0).sum()} cells ({(wide == 2).sum()} river cells)')
