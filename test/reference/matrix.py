#!/usr/bin/python3
"""Rasters for the robustness matrix, made from elev.tif with rasterio and native GDAL:
rotated.tif (a rotated geotransform), nocrs.tif (geotransform but no CRS), plain.png (no
georeferencing at all), native gdalwarp of a box of rotated.tif as reference, and
corrupt-tile.tif (64x64, 16x16 DEFLATE tiles, the tile at row 1, column 2 overwritten with 0xFF:
a window over it fails, the others read).
Run: /usr/bin/python3 test/reference/matrix.py"""
import json, os, subprocess, tempfile
import rasterio
from rasterio.transform import Affine

here = os.path.dirname(os.path.abspath(__file__))
data = os.path.join(here, '..', '..', '..', 'shared', 'data')
out = os.path.join(here, '..', 'fixtures', 'matrix')
os.makedirs(out, exist_ok=True)

with rasterio.open(os.path.join(data, 'elev.tif')) as src:
    z = src.read(1)
    prof = src.profile
    t = src.transform
# rotate the grid by 15 degrees about its origin
rot = Affine.translation(t.c, t.f) * Affine.rotation(15) * Affine.scale(t.a, t.e)
p = dict(prof, transform=rot, driver='GTiff')
with rasterio.open(os.path.join(out, 'rotated.tif'), 'w', **p) as dst:
    dst.write(z, 1)
p = dict(prof, driver='GTiff')
p.pop('crs', None)
with rasterio.open(os.path.join(out, 'nocrs.tif'), 'w', **p) as dst:
    dst.write(z, 1)
with tempfile.TemporaryDirectory() as tmp:
    subprocess.run(['gdal_translate', '-q', '-of', 'PNG', '-ot', 'Byte', '-scale', os.path.join(data, 'elev.tif'), os.path.join(out, 'plain.png')], check=True)
p = dict(prof, driver='GTiff', width=64, height=64, tiled=True, blockxsize=16, blockysize=16, compress='deflate')
corrupt = os.path.join(out, 'corrupt-tile.tif')
with rasterio.open(corrupt, 'w', **p) as dst:
    dst.write(z[:64, :64], 1)
with rasterio.open(corrupt) as src:
    offset = int(src.get_tag_item('BLOCK_OFFSET_2_1', 'TIFF', bidx=1))
    size = int(src.get_tag_item('BLOCK_SIZE_2_1', 'TIFF', bidx=1))
with open(corrupt, 'r+b') as f:
    f.seek(offset)
    f.write(b'\xff' * size)
for f in os.listdir(out):
    if f.endswith('.aux.xml'):
        os.remove(os.path.join(out, f))
box = [5.7, 49.35, 6.3, 49.95]
ref = os.path.join(tempfile.gettempdir(), 'rotated-ref.bin')
subprocess.run(['gdalwarp', '-q', '-overwrite', '-of', 'ENVI', '-te', *map(str, box), '-ts', '30', '30', '-r', 'bilinear', '-ot', 'Float32', os.path.join(out, 'rotated.tif'), ref], check=True)
with open(ref, 'rb') as f:
    raw = f.read()
with open(os.path.join(out, 'rotated-ref.bin'), 'wb') as f:
    f.write(raw)
with open(os.path.join(out, 'rotated-ref.json'), 'w') as f:
    json.dump({'bounds': box, 'width': 30, 'height': 30, 'resampling': 'bilinear', 'dtype': 'float32', 'nodata': -32768,
               'command': f'gdalwarp -te {" ".join(map(str, box))} -ts 30 30 -r bilinear -ot Float32 rotated.tif out.bin'}, f)
print('matrix fixtures ->', out)
