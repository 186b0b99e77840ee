"""Derives examples/data/olinda_dem_land.tif from the shipped DEM: the same grid, with the sea (the
cells at exactly 0 m, as the source DEM codes open water) set to nodata (-9999), so that the demo has a
raster with a real nodata area to sample around (valid-data footprint, minValid).
Run with Debian's python3 (numpy, rasterio): /usr/bin/python3 test/reference/land.py"""
import numpy as np
import rasterio

with rasterio.open('examples/data/olinda_dem_utm25s.tif') as src:
    z = src.read(1)
    profile = src.profile
profile.update(nodata=-9999, compress='deflate', tiled=False)
land = np.where(z == 0, -9999, z).astype('float32')
with rasterio.open('examples/data/olinda_dem_land.tif', 'w', **profile) as dst:
    dst.write(land, 1)
print(f'land: {(land != -9999).sum()} of {land.size} cells; sea (nodata): {(land == -9999).sum()}')
