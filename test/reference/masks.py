#!/usr/bin/python3
"""What geopandas (GEOS) says of sample boxes against a mask's union: `within(unary_union)` and
`intersects(unary_union)`, box by box, for test/samples.test.ts. Boxes and masks are in one CRS (no
reprojection differences). Run with Debian's python3 (python3-geopandas):
/usr/bin/python3 test/reference/masks.py"""
import json, os
import geopandas as gpd
import numpy as np
from shapely.geometry import box, Polygon

here = os.path.dirname(os.path.abspath(__file__))
data = os.path.join(here, '..', '..', '..', 'shared', 'data')
out = os.path.join(here, '..', 'fixtures', 'masks')


def grid(xmin, ymin, xmax, ymax, size):
    xs = np.arange(xmin, xmax, size)
    ys = np.arange(ymin, ymax, size)
    return [[float(x), float(y), float(x + size), float(y + size)] for y in ys for x in xs]


def classify(boxes, union):
    out = []
    for b in boxes:
        g = box(*b)
        out.append(2 if g.within(union) else 1 if g.intersects(union) else 0)
    return out


def slivers(boxes, classes, union):
    # Boxes GEOS calls not within only because of sliver gaps between polygons (the part of the box
    # outside the union under 1e-9 of its area: borders that do not quite match, 1e-15 degrees apart).
    return [i for i, (b, c) in enumerate(zip(boxes, classes)) if c == 1 and box(*b).difference(union).area < 1e-9 * box(*b).area]


def write(name, boxes, mask_geojson, union, crs):
    classes = classify(boxes, union)
    sl = slivers(boxes, classes, union)
    with open(os.path.join(out, f'{name}.json'), 'w') as f:
        json.dump({'crs': crs, 'boxes': boxes, 'classes': classes, 'slivers': sl, 'mask': mask_geojson}, f)
    print(name, len(boxes), 'boxes; outside/intersects/within', [classes.count(c) for c in (0, 1, 2)], 'sliver-only', len(sl))


# Luxembourg's 12 cantons (shared boundaries between polygons), a 0.02° grid over them, in EPSG:4326.
lux = gpd.read_file(os.path.join(data, 'lux.shp'))
x0, y0, x1, y1 = lux.total_bounds
write('lux-cantons', grid(x0, y0, x1, y1, 0.02), json.loads(lux.to_json(drop_id=True)), lux.unary_union, 'EPSG:4326')

# Olinda's census areas (470 polygons) over a grid of 0.004°.
olinda = gpd.read_file(os.path.join(data, 'olinda1.shp'))
x0, y0, x1, y1 = olinda.total_bounds
write('olinda-census', grid(x0, y0, x1, y1, 0.004), json.loads(olinda.to_json(drop_id=True)), olinda.unary_union, 'EPSG:4326')

# A square with a square hole, two polygons sharing an edge, and boxes around, inside, across and on
# edges (metres, EPSG:3857): holes, shared boundaries and touching edges, exactly.
outer = [[0, 0], [100, 0], [100, 100], [0, 100], [0, 0]]
hole = [[40, 40], [60, 40], [60, 60], [40, 60], [40, 40]]
right = [[100, 0], [200, 0], [200, 100], [100, 100], [100, 0]]
polys = [Polygon(outer, [hole]), Polygon(right)]
mask = {'type': 'FeatureCollection', 'features': [{'type': 'Feature', 'properties': {}, 'geometry': {'type': 'Polygon', 'coordinates': [outer, hole]}}, {'type': 'Feature', 'properties': {}, 'geometry': {'type': 'Polygon', 'coordinates': [right]}}]}
boxes = grid(-20, -20, 220, 120, 20) + grid(-10, -10, 210, 110, 20) + [[35, 35, 65, 65], [40, 40, 60, 60], [45, 45, 55, 55], [90, 10, 110, 30], [0, 0, 100, 100], [100, 0, 200, 100], [0, 0, 200, 100], [60, 40, 80, 60], [-20, 0, 0, 20], [200, 0, 220, 20]]
write('hole-and-shared-edge', boxes, mask, gpd.GeoSeries(polys).unary_union, 'EPSG:3857')
