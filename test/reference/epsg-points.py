#!/usr/bin/python3
"""Native PROJ's answer for every code of src/crs/epsg-table.ts: a point at the centre of the CRS's
area of use (rounded to 1e-6 degree), from EPSG:4326 (lon, lat) into the CRS with PROJ's best
operation here (what cs2cs does), to the millimetre. test/crs-table.test.ts compares proj4 with the
table against it. Rows [code, lon, lat, x, y]; test/fixtures/crs/epsg-bound.json (written by
scripts/make-epsg-table.mjs) lists the codes whose datum shift in the table is not PROJ's own.
Writes test/fixtures/crs/epsg-points.json. Run: /usr/bin/python3 test/reference/epsg-points.py"""
import json, os, re, warnings
from pyproj import CRS, Transformer
import pyproj

warnings.filterwarnings('ignore')
here = os.path.dirname(os.path.abspath(__file__))
table = open(os.path.join(here, '..', '..', 'src', 'crs', 'epsg-table.ts')).read()
text = re.search(r"EPSG_TABLE =\s*'(.*)';", table, re.S).group(1).replace('\\n', '\n')
codes = [int(line.split(' ', 1)[0]) for line in text.split('\n')]
points = []
for code in codes:
    crs = CRS.from_epsg(code)
    a = crs.area_of_use
    if a is None:
        continue
    west, east = a.west, a.east
    if east < west:
        east += 360  # across the antimeridian
    lon = (west + east) / 2
    lon = round(lon - 360 if lon > 180 else lon, 6)
    lat = round((a.south + a.north) / 2, 6)
    t = Transformer.from_crs('EPSG:4326', crs, always_xy=True)
    x, y = t.transform(lon, lat)
    if not (abs(x) < 1e12 and abs(y) < 1e12):
        continue
    r = 9 if crs.is_geographic else 3
    points.append([code, lon, lat, round(x, r), round(y, r)])
out = os.path.join(here, '..', 'fixtures', 'crs')
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, 'epsg-points.json'), 'w') as f:
    json.dump({'proj': pyproj.proj_version_str, 'points': points}, f, separators=(',', ':'))
print(f'{len(points)} points from PROJ {pyproj.proj_version_str}')
