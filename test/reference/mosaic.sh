#!/bin/bash
# Makes test/fixtures/mosaic/: bands 1-3 of ../shared/data/L7_ETMs.tif (349×352, UTM 25S) cut into
# four tiles (nw, ne, sw, se); ne also reprojected to EPSG:32725 (WGS 84 / UTM 25S, another CRS,
# rotated grid edges, nodata 0) as ne_32725.tif; a VRT of the four same-CRS tiles (relative paths);
# and the native gdalwarp references:
#   rgb.tif   — the three bands uncut (what the mosaics must equal)
#   same.tif  — the four same-CRS tiles warped onto the source grid (nearest): the source itself
#   mixed.tif — nw, ne_32725, sw, se warped onto a grid in EPSG:4326 (nearest), as native GDAL does it
#               (the three tiles on one grid joined by a VRT first, as geotensor does)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=test/fixtures/mosaic
rm -rf "$out" && mkdir -p "$out"
src=../shared/data/L7_ETMs.tif
q=(-q --config GDAL_PAM_ENABLED NO)
gdal_translate "${q[@]}" -b 1 -b 2 -b 3 "$src" "$out/rgb.tif"
gdal_translate "${q[@]}" -b 1 -b 2 -b 3 -srcwin 0 0 180 170 "$src" "$out/nw.tif"
gdal_translate "${q[@]}" -b 1 -b 2 -b 3 -srcwin 180 0 169 170 "$src" "$out/ne.tif"
gdal_translate "${q[@]}" -b 1 -b 2 -b 3 -srcwin 0 170 180 182 "$src" "$out/sw.tif"
gdal_translate "${q[@]}" -b 1 -b 2 -b 3 -srcwin 180 170 169 182 "$src" "$out/se.tif"
gdalwarp "${q[@]}" -t_srs EPSG:32725 -r nearest -dstnodata 0 "$out/ne.tif" "$out/ne_32725.tif"
(cd "$out" && gdalbuildvrt -q tiles.vrt nw.tif ne.tif sw.tif se.tif)
gdalwarp "${q[@]}" -r nearest -te 291000 9113000 297000 9119000 -ts 120 120 -ot Byte "$out/nw.tif" "$out/ne.tif" "$out/sw.tif" "$out/se.tif" "$out/same.tif"
# geotensor joins the files on one grid (nw, sw, se) into a VRT, so that kernels read across their edges,
# and warps that and ne_32725: the native equivalent is gdalbuildvrt + gdalwarp of both.
(cd "$out" && gdalbuildvrt -q /tmp/geotensor-utm-group.vrt "$PWD/nw.tif" "$PWD/sw.tif" "$PWD/se.tif")
gdalwarp "${q[@]}" -r nearest -t_srs EPSG:4326 -te -34.90 -8.03 -34.84 -7.96 -ts 120 140 -dstnodata 255 /tmp/geotensor-utm-group.vrt "$out/ne_32725.tif" "$out/mixed.tif"
rm -f /tmp/geotensor-utm-group.vrt
gdalinfo "$src" | grep -E "Origin|Pixel Size"
