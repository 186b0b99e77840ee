#!/usr/bin/env python3
"""Makes test/fixtures/stac/: a small static STAC catalog of real pixels, and native GDAL references.

From ../shared/data/L7_ETMs.tif (Landsat 7, 349x352, 28.5 m, UTM 25S / EPSG:31985), three items
whose assets are one COG per band, each at its own resolution and CRS (as Sentinel-2's 10/20/60 m):

  B1  band 1 at 28.5 m, EPSG:31985
  B2  band 2 at 57 m (average), EPSG:31985
  B3  band 3 at 114 m (average), EPSG:31985
  B4  band 4 at 30 m in EPSG:32725 (WGS 84 / UTM 25S, bilinear, -tap), raster:bands scale 0.5, offset -1
  B5  band 5 at 28.5 m, its files without nodata; raster:bands says nodata is its commonest value in west

  west  2002-07-01, columns 0-199 of the scene
  east  2002-07-01, columns 180-348 (20 columns shared with west)
  later 2002-08-01, columns and rows 100-249, its B1..B4 made from bands 4, 5, 6, 1 (another date, other values)

Every asset but B5 has nodata 0 in its files. catalog.json (a Catalog) links collection.json (a Collection), which links
the items; every link and href is relative. reference/BOX-ASSET.tif is native gdalwarp of that
asset's files (date order, files on one grid joined by gdalbuildvrt first, as geotensor does)
through the boxes of BOXES, with -dstnodata 0; reference/across-DAY-ASSET.tif the same for the box
across all items, one date at a time (0701: west and east, 0801: later); across-two-crs.tif: one asset
whose items are in two CRSs (west's B1 and later's B4); nodata-across-B5.tif: B5 of all items
through gdalbuildvrt -srcnodata (raster:bands' value), nodata-later-B5.tif: later's B5 alone
through gdalwarp -srcnodata. Run: python3 test/reference/stac.py
"""
import json
import os
import shutil
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
SRC = os.path.normpath(os.path.join(ROOT, '..', 'shared', 'data', 'L7_ETMs.tif'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'stac')
Q = ['-q', '--config', 'GDAL_PAM_ENABLED', 'NO']

ITEMS = {
    'west': {'datetime': '2002-07-01T12:40:00Z', 'srcwin': [0, 0, 200, 352], 'bands': [1, 2, 3, 4, 5]},
    'east': {'datetime': '2002-07-01T12:40:00Z', 'srcwin': [180, 0, 169, 352], 'bands': [1, 2, 3, 4, 5]},
    'later': {'datetime': '2002-08-01T12:40:00Z', 'srcwin': [100, 100, 150, 150], 'bands': [4, 5, 6, 1, 2]},
}
ASSETS = ['B1', 'B2', 'B3', 'B4']
# name: bounds, CRS, width, height, resampling
BOXES = {
    'west': ([289500, 9118500, 291500, 9120500], 'EPSG:31985', 50, 50, 'bilinear'),
    'across': ([-34.915, -8.010, -34.875, -7.975], 'EPSG:4326', 40, 44, 'bilinear'),
    'edge': ([297000, 9109000, 300000, 9112000], 'EPSG:31985', 64, 64, 'nearest'),
}


def run(*args):
    subprocess.run(list(args), check=True)


def info(path):
    return json.loads(subprocess.run(['gdalinfo', '-json', path], check=True, capture_output=True, text=True).stdout)


def make_assets(tmp):
    for name, it in ITEMS.items():
        d = os.path.join(OUT, 'assets', name)
        os.makedirs(d)
        for asset, band in zip(ASSETS + ['B5'], it['bands']):
            cut = os.path.join(tmp, f'{name}-{asset}.tif')
            nodata = ['-a_nodata', 'none' if asset == 'B5' else '0']
            run('gdal_translate', *Q, '-b', str(band), '-srcwin', *map(str, it['srcwin']), *nodata, SRC, cut)
            if asset == 'B2':
                src, cut = cut, cut.replace('.tif', '-57.tif')
                run('gdalwarp', *Q, '-tr', '57', '57', '-r', 'average', src, cut)
            elif asset == 'B3':
                src, cut = cut, cut.replace('.tif', '-114.tif')
                run('gdalwarp', *Q, '-tr', '114', '114', '-r', 'average', src, cut)
            elif asset == 'B4':
                src, cut = cut, cut.replace('.tif', '-32725.tif')
                run('gdalwarp', *Q, '-t_srs', 'EPSG:32725', '-tr', '30', '30', '-tap', '-r', 'bilinear', src, cut)
            run('gdal_translate', *Q, '-of', 'COG', '-co', 'BLOCKSIZE=128', '-co', 'COMPRESS=DEFLATE', cut, os.path.join(d, f'{asset}.tif'))


def b5_nodata():
    """The commonest value of west's B5: raster:bands' nodata for B5 (its files say none)."""
    import numpy as np
    import rasterio
    with rasterio.open(os.path.join(OUT, 'assets', 'west', 'B5.tif')) as f:
        return int(np.bincount(f.read(1).ravel()).argmax())


def item_json(name, it):
    b1 = info(os.path.join(OUT, 'assets', name, 'B1.tif'))
    ring = b1['wgs84Extent']['coordinates'][0]
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    assets = {}
    for asset in ASSETS + ['B5']:
        a = {'href': f'../assets/{name}/{asset}.tif', 'type': 'image/tiff; application=geotiff; profile=cloud-optimized', 'roles': ['data']}
        bands = {'nodata': 0, 'data_type': 'uint8'}
        if asset == 'B4':
            bands.update({'scale': 0.5, 'offset': -1})
        if asset == 'B5':
            bands['nodata'] = b5_nodata()
        a['raster:bands'] = [bands]
        assets[asset] = a
    return {
        'type': 'Feature',
        'stac_version': '1.0.0',
        'stac_extensions': ['https://stac-extensions.github.io/raster/v1.1.0/schema.json'],
        'id': f'l7-{name}',
        'collection': 'l7-olinda',
        'bbox': [min(xs), min(ys), max(xs), max(ys)],
        'geometry': b1['wgs84Extent'],
        'properties': {'datetime': it['datetime'], 'platform': 'landsat-7'},
        'assets': assets,
        'links': [
            {'rel': 'collection', 'href': '../collection.json', 'type': 'application/json'},
            {'rel': 'parent', 'href': '../collection.json', 'type': 'application/json'},
            {'rel': 'root', 'href': '../catalog.json', 'type': 'application/json'},
        ],
    }


def write(path, doc):
    with open(path, 'w') as f:
        json.dump(doc, f, indent=1)
        f.write('\n')


def make_catalog():
    os.makedirs(os.path.join(OUT, 'items'))
    boxes = []
    for name, it in ITEMS.items():
        doc = item_json(name, it)
        boxes.append(doc['bbox'])
        write(os.path.join(OUT, 'items', f'{name}.json'), doc)
    extent = [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]
    write(os.path.join(OUT, 'collection.json'), {
        'type': 'Collection', 'stac_version': '1.0.0', 'id': 'l7-olinda', 'description': 'Landsat 7 bands of Olinda as one COG per band (geotensor test fixture)',
        'license': 'Apache-2.0',
        'extent': {'spatial': {'bbox': [extent]}, 'temporal': {'interval': [['2002-07-01T12:40:00Z', '2002-08-01T12:40:00Z']]}},
        'links': [{'rel': 'item', 'href': f'./items/{n}.json', 'type': 'application/geo+json'} for n in ITEMS]
        + [{'rel': 'root', 'href': './catalog.json'}, {'rel': 'parent', 'href': './catalog.json'}],
    })
    write(os.path.join(OUT, 'catalog.json'), {
        'type': 'Catalog', 'stac_version': '1.0.0', 'id': 'geotensor-test', 'description': 'geotensor test catalog',
        'links': [{'rel': 'child', 'href': './collection.json', 'type': 'application/json'}, {'rel': 'root', 'href': './catalog.json'}],
    })


def make_references(tmp):
    d = os.path.join(OUT, 'reference')
    os.makedirs(d)
    for box, (bounds, crs, w, h, r) in BOXES.items():
        for asset in ASSETS:
            files = [os.path.join(OUT, 'assets', n, f'{asset}.tif') for n in ['west', 'east', 'later']]  # date order
            vrt = os.path.join(tmp, f'{asset}.vrt')
            run('gdalbuildvrt', '-q', vrt, *files)
            run('gdalwarp', *Q, '-te', *map(str, bounds), '-ts', str(w), str(h), '-t_srs', crs, '-r', r, '-dstnodata', '0', '-ot', 'Byte', vrt, os.path.join(d, f'{box}-{asset}.tif'))
    # The box across all three items, date by date (time steps): 2002-07-01 (west and east) and 2002-08-01 (later).
    bounds, crs, w, h, r = BOXES['across']
    for day, names in [('0701', ['west', 'east']), ('0801', ['later'])]:
        for asset in ASSETS:
            files = [os.path.join(OUT, 'assets', n, f'{asset}.tif') for n in names]
            src = files[0]  # one file is warped as it is, several joined by gdalbuildvrt first
            if len(files) > 1:
                src = os.path.join(tmp, f'{day}-{asset}.vrt')
                run('gdalbuildvrt', '-q', src, *files)
            run('gdalwarp', *Q, '-te', *map(str, bounds), '-ts', str(w), str(h), '-t_srs', crs, '-r', r, '-dstnodata', '0', '-ot', 'Byte', src, os.path.join(d, f'across-{day}-{asset}.tif'))
    # One asset whose items are in two CRSs: west's B1 (EPSG:31985) and later's B4 (EPSG:32725), later
    # drawn over west, warped together as geotensor warps the two groups of a mosaic.
    run('gdalwarp', *Q, '-te', *map(str, bounds), '-ts', str(w), str(h), '-t_srs', crs, '-r', r, '-dstnodata', '0', '-ot', 'Byte',
        os.path.join(OUT, 'assets', 'west', 'B1.tif'), os.path.join(OUT, 'assets', 'later', 'B4.tif'), os.path.join(d, 'across-two-crs.tif'))
    # B5: raster:bands' nodata as the files' source nodata, all items (gdalbuildvrt -srcnodata) and later's file alone (gdalwarp -srcnodata).
    nd = str(b5_nodata())
    files = [os.path.join(OUT, 'assets', n, 'B5.tif') for n in ['west', 'east', 'later']]
    vrt = os.path.join(tmp, 'B5-nodata.vrt')
    run('gdalbuildvrt', '-q', '-srcnodata', nd, '-vrtnodata', nd, vrt, *files)
    run('gdalwarp', *Q, '-te', *map(str, bounds), '-ts', str(w), str(h), '-t_srs', crs, '-r', r, '-dstnodata', nd, '-ot', 'Byte', vrt, os.path.join(d, 'nodata-across-B5.tif'))
    run('gdalwarp', *Q, '-te', *map(str, bounds), '-ts', str(w), str(h), '-t_srs', crs, '-r', r, '-srcnodata', nd, '-dstnodata', nd, '-ot', 'Byte',
        files[2], os.path.join(d, 'nodata-later-B5.tif'))
    write(os.path.join(d, 'boxes.json'), {k: {'bounds': v[0], 'crs': v[1], 'width': v[2], 'height': v[3], 'resampling': v[4]} for k, v in BOXES.items()})


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    tmp = os.path.join(ROOT, 'test', '.cache', 'stac-tmp')
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    make_assets(tmp)
    make_catalog()
    make_references(tmp)
    shutil.rmtree(tmp)


if __name__ == '__main__':
    main()
