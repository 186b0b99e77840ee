#!/usr/bin/python3
"""Native GDAL baseline, in-process (Debian python3-rasterio): the W1 workload of bench/run.mjs done
the Keras Spatial way, rasterio.warp.reproject per sample into a 128x128 float32 array (bilinear).
Also writes the W1 raster when asked. Prints JSON."""
import json, os, sys, time
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


def make_w1r(w1_path, path):
    # a binary label (DEM above its median) over the same area, in EPSG:26916 at 10 m
    from rasterio.warp import calculate_default_transform
    with rasterio.open(w1_path) as src:
        z = src.read(1)
        lab = (z > np.median(z)).astype('uint8')
        t, w, h = calculate_default_transform(src.crs, 'EPSG:26916', src.width, src.height, *src.bounds, resolution=10)
        out = np.zeros((h, w), dtype='uint8')
        reproject(lab, out, src_transform=src.transform, src_crs=src.crs, dst_transform=t, dst_crs='EPSG:26916', resampling=Resampling.nearest, dst_nodata=255)
    prof = dict(driver='GTiff', count=1, dtype='uint8', width=w, height=h, crs='EPSG:26916', transform=t, nodata=255, tiled=True, blockxsize=256, blockysize=256, compress='deflate')
    with rasterio.open(path, 'w', **prof) as d:
        d.write(out, 1)


def run_boxes(path, boxes, size, dst_crs, resampling, passes=3, warmup=True):
    """The best of `passes` timed passes over the boxes, after an untimed one (`warmup`), as geotensor's rows do."""
    with rasterio.open(path) as src:
        out = np.empty((size, size), dtype='float32')
        best = None
        for k in range(passes + (1 if warmup else 0)):
            t0 = time.perf_counter()
            for (x0, y0, x1, y1) in boxes:
                dst_t = rasterio.transform.from_bounds(x0, y0, x1, y1, size, size)
                reproject(rasterio.band(src, 1), out, dst_transform=dst_t, dst_crs=dst_crs, resampling=resampling, dst_nodata=0)
            dt = time.perf_counter() - t0
            if warmup and k == 0:
                continue
            best = dt if best is None else min(best, dt)
        return {'samples': len(boxes), 'seconds': best, 'samples_per_s': len(boxes) / best, 'gdal': rasterio.__gdal_version__}


def random_boxes(xmin, ymin, xmax, ymax, size, count, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random(count) * (xmax - xmin - size) + xmin
    y = rng.random(count) * (ymax - ymin - size) + ymin
    return list(zip(x, y, x + size, y + size))


def regular_grid(xmin, ymin, xmax, ymax, size):
    nx = max(1, int((xmax - xmin) // size))
    ny = max(1, int((ymax - ymin) // size))
    xs = np.linspace(xmin, xmax - size, nx)
    ys = np.linspace(ymin, ymax - size, ny)
    return [(x, y, x + size, y + size) for y in ys for x in xs]


def run(path, passes=3):
    """W1: the best of `passes` timed passes after an untimed one, as geotensor's row does."""
    with rasterio.open(path) as src:
        boxes = regular_grid(*src.bounds, 5000)
        out = np.empty((128, 128), dtype='float32')
        best = None
        for k in range(passes + 1):
            t0 = time.perf_counter()
            for (x0, y0, x1, y1) in boxes:
                dst_t = rasterio.transform.from_bounds(x0, y0, x1, y1, 128, 128)
                reproject(rasterio.band(src, 1), out, dst_transform=dst_t, dst_crs=src.crs, resampling=Resampling.bilinear, dst_nodata=-9999)
            dt = time.perf_counter() - t0
            if k == 0:
                continue
            best = dt if best is None else min(best, dt)
        return {'samples': len(boxes), 'seconds': best, 'samples_per_s': len(boxes) / best, 'gdal': rasterio.__gdal_version__}


def remote(url):
    # W1 read through GDAL's own network layer (/vsicurl/) from the test range server: one cold pass.
    os.environ.setdefault('GDAL_DISABLE_READDIR_ON_OPEN', 'EMPTY_DIR')
    with rasterio.open(url) as src:
        boxes = regular_grid(*src.bounds, 5000)
        out = np.empty((128, 128), dtype='float32')
        t0 = time.perf_counter()
        for (x0, y0, x1, y1) in boxes:
            dst_t = rasterio.transform.from_bounds(x0, y0, x1, y1, 128, 128)
            reproject(rasterio.band(src, 1), out, dst_transform=dst_t, dst_crs=src.crs, resampling=Resampling.bilinear, dst_nodata=-9999)
        dt = time.perf_counter() - t0
        return {'samples': len(boxes), 'seconds': dt, 'samples_per_s': len(boxes) / dt, 'gdal': rasterio.__gdal_version__}


def open_many(urls):
    # Opening a list of remote files with GDAL's /vsicurl/, one after another (as a VRT or a loop does).
    os.environ.setdefault('GDAL_DISABLE_READDIR_ON_OPEN', 'EMPTY_DIR')
    t0 = time.perf_counter()
    for u in urls:
        with rasterio.open(u) as src:
            src.profile
    return {'files': len(urls), 'ms': (time.perf_counter() - t0) * 1000}


def open_remote_files(boxes_path):
    # The boxes file's spec, and every URL it lists opened with /vsicurl/ one after another (timed, in s).
    os.environ.setdefault('GDAL_DISABLE_READDIR_ON_OPEN', 'EMPTY_DIR')
    spec = json.load(open(boxes_path))
    t0 = time.perf_counter()
    files = [rasterio.open(u) for u in spec['urls']]
    return spec, files, time.perf_counter() - t0


def w3(boxes_path):
    # W3 the /vsicurl/ way: every remote COG opened (one after another), then each box warped from the
    # file it was drawn in (128x128 float32, bilinear). Opening and sampling are timed apart.
    spec, files, open_s = open_remote_files(boxes_path)
    out = np.empty((128, 128), dtype='float32')
    t = time.perf_counter()
    for (k, x0, y0, x1, y1) in spec['boxes']:
        src = files[int(k)]
        dst_t = rasterio.transform.from_bounds(x0, y0, x1, y1, 128, 128)
        reproject(rasterio.band(src, 1), out, dst_transform=dst_t, dst_crs=src.crs, resampling=Resampling.bilinear, dst_nodata=-9999)
    dt = time.perf_counter() - t
    for f in files:
        f.close()
    return {'files': len(files), 'open_ms': open_s * 1000, 'samples': len(spec['boxes']), 'samples_per_s': len(spec['boxes']) / dt}


def stac(boxes_path):
    # The STAC bench the /vsicurl/ way: the 8 COGs (2 dates x 4 assets) opened, then each box warped
    # from each into a 128x128 float32 grid in the boxes' CRS (bilinear). Opening and sampling timed apart.
    spec, files, open_s = open_remote_files(boxes_path)
    out = np.empty((len(files), 128, 128), dtype='float32')
    t = time.perf_counter()
    for (x0, y0, x1, y1) in spec['boxes']:
        dst_t = rasterio.transform.from_bounds(x0, y0, x1, y1, 128, 128)
        for k, src in enumerate(files):
            reproject(rasterio.band(src, 1), out[k], dst_transform=dst_t, dst_crs=spec['crs'], resampling=Resampling.bilinear, dst_nodata=0)
    dt = time.perf_counter() - t
    for f in files:
        f.close()
    return {'files': len(files), 'open_ms': open_s * 1000, 'samples': len(spec['boxes']), 'samples_per_s': len(spec['boxes']) / dt}


def vector(layer, boxes_path, size):
    # TorchGeo's VectorDataset way: the features of a box through a spatial index, then
    # rasterio.features.rasterize into the box's grid (after a warm-up, one pass).
    import geopandas as gpd
    from rasterio.features import rasterize
    from rasterio.transform import from_bounds
    t0 = time.perf_counter()
    df = gpd.read_file(layer)
    sindex = df.sindex
    open_s = time.perf_counter() - t0
    boxes = [tuple(b) for b in json.load(open(boxes_path))]
    geoms = df.geometry.values
    cls = df['cls'].values
    def one(b):
        idx = sindex.query(__import__('shapely').geometry.box(*b))
        shapes = ((geoms[i], int(cls[i])) for i in idx)
        return rasterize(shapes, out_shape=(size, size), transform=from_bounds(*b, size, size), fill=0, dtype='uint8')
    for b in boxes[:8]:
        one(b)
    t = time.perf_counter()
    burned = 0
    for b in boxes:
        burned += int((one(b) > 0).sum())
    dt = time.perf_counter() - t
    return {'samples': len(boxes), 'samples_per_s': len(boxes) / dt, 'open_ms': open_s * 1000, 'burned': burned}


def minvalid(path, size, count, min_valid, seed=0):
    # The shapely way: the valid area polygonized (GDAL, 4-connected), dissolved and prepared; random
    # boxes drawn with numpy and kept when intersection area / box area >= min_valid.
    from rasterio.features import shapes
    from shapely.geometry import box, shape
    from shapely.ops import unary_union
    from shapely.prepared import prep
    t0 = time.perf_counter()
    with rasterio.open(path) as src:
        valid = (src.dataset_mask() > 0).astype(np.uint8)
        transform = src.transform
        xmin, ymin, xmax, ymax = src.bounds
    area = unary_union([shape(g) for g, v in shapes(valid, mask=valid > 0, transform=transform, connectivity=4)])
    fast = prep(area)
    footprint_ms = (time.perf_counter() - t0) * 1000
    rng = np.random.default_rng(seed)
    t = time.perf_counter()
    kept = 0
    tried = 0
    while kept < count:
        x = rng.random() * (xmax - xmin - size) + xmin
        y = rng.random() * (ymax - ymin - size) + ymin
        tried += 1
        b = box(x, y, x + size, y + size)
        if fast.contains(b) or (fast.intersects(b) and area.intersection(b).area / b.area >= min_valid):
            kept += 1
    dt = time.perf_counter() - t
    return {'footprint_ms': footprint_ms, 'sampling_ms': dt * 1000, 'tried': tried, 'kept': kept}


if __name__ == '__main__':
    if sys.argv[1] == 'make':
        make_w1(sys.argv[2])
        print(json.dumps({'ok': True}))
    elif sys.argv[1] == 'make-w1r':
        make_w1r(sys.argv[2], sys.argv[3])
        print(json.dumps({'ok': True}))
    elif sys.argv[1] == 'remote':
        print(json.dumps(remote(sys.argv[2])))
    elif sys.argv[1] == 'w1r':
        with rasterio.open(sys.argv[2]) as src:
            boxes = regular_grid(*src.bounds, 5000)
            crs = src.crs
        print(json.dumps(run_boxes(sys.argv[3], boxes, 128, crs, Resampling.nearest)))
    elif sys.argv[1] == 'boxes':
        # boxes <raster> <boxes.json> <size> <dst_crs> <resampling>: the boxes bench/run.mjs wrote
        boxes = [tuple(b) for b in json.load(open(sys.argv[3]))]
        print(json.dumps(run_boxes(sys.argv[2], boxes, int(sys.argv[4]), sys.argv[5], Resampling[sys.argv[6]])))
    elif sys.argv[1] == 'w3':
        print(json.dumps(w3(sys.argv[2])))
    elif sys.argv[1] == 'stac':
        print(json.dumps(stac(sys.argv[2])))
    elif sys.argv[1] == 'open-many':
        print(json.dumps(open_many(sys.argv[2:])))
    elif sys.argv[1] == 'minvalid':
        print(json.dumps(minvalid(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))))
    elif sys.argv[1] == 'vector':
        print(json.dumps(vector(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    elif sys.argv[1] == 'w2':
        with rasterio.open(sys.argv[2]) as src:
            b = src.bounds
            res = src.res
        boxes = random_boxes(*b, 64 * res[0], 10000)
        print(json.dumps(run_boxes(sys.argv[2], boxes, 64, 'EPSG:3443', Resampling.nearest, passes=1, warmup=False)))
    else:
        print(json.dumps(run(sys.argv[2])))
