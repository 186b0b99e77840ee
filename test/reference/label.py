#!/usr/bin/python3
"""A label raster for the alignment tests: 1 where the Olinda DEM is above its median, else 0,
reprojected by native GDAL to EPSG:4326 at about half the DEM's pixel size (nearest), so that it
differs from the DEM in CRS and resolution. Writes test/fixtures/olinda_label_4326.tif and the
threshold it used. Run: /usr/bin/python3 test/reference/label.py"""
import json, os, subprocess, tempfile
import numpy as np
import rasterio

here = os.path.dirname(os.path.abspath(__file__))
dem_path = os.path.join(here, '..', '..', '..', 'shared', 'data', 'olinda_dem_utm25s.tif')
out = os.path.join(here, '..', 'fixtures', 'olinda_label_4326.tif')

with rasterio.open(dem_path) as src:
    dem = src.read(1)
    profile = src.profile
threshold = float(np.median(dem))
label = (dem > threshold).astype('uint8')
profile.update(dtype='uint8', nodata=255, count=1)
with tempfile.TemporaryDirectory() as tmp:
    utm = os.path.join(tmp, 'label_utm.tif')
    with rasterio.open(utm, 'w', **profile) as dst:
        dst.write(label, 1)
    subprocess.run(['gdalwarp', '-q', '-overwrite', '-t_srs', 'EPSG:4326', '-tr', '0.0004', '0.0004', '-r', 'near',
                    '-co', 'COMPRESS=DEFLATE', utm, out], check=True)
with open(out.replace('.tif', '.json'), 'w') as f:
    json.dump({'threshold': threshold, 'rule': 'label = dem > threshold', 'source': 'olinda_dem_utm25s.tif'}, f)
print(f'label raster -> {out} (threshold {threshold})')
