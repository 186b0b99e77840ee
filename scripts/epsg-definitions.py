#!/usr/bin/python3
"""Every EPSG projected and geographic 2D CRS of PROJ's database as a PROJ string proj4 can use,
with the datum shift to WGS 84 that PROJ itself picks at the centre of the CRS's area of use: when that is a
Helmert transformation (or none), its parameters become +towgs84 (position-vector convention), so
proj4 and PROJ agree; otherwise (a grid shift, Molodensky-Badekas, several steps) the definition is
PROJ's bound CRS to WGS 84 (what GDAL's OSR_ADD_TOWGS84_ON_EXPORT_TO_WKT1 gives) and the case is
marked with PROJ's operation. JSON { code: [definition, kind, operation] } on standard output.
Needs python3-pyproj and libproj (Debian libproj25). Run by scripts/make-epsg-table.mjs."""
import ctypes, json, re, sys, warnings
from pyproj import CRS
from pyproj.exceptions import ProjError
from pyproj.database import get_codes
from pyproj.transformer import Transformer

warnings.filterwarnings('ignore')
lib = ctypes.CDLL('libproj.so.25')
lib.proj_context_create.restype = ctypes.c_void_p
lib.proj_create_from_database.restype = ctypes.c_void_p
lib.proj_create_from_database.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_void_p]
lib.proj_crs_create_bound_crs_to_WGS84.restype = ctypes.c_void_p
lib.proj_crs_create_bound_crs_to_WGS84.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
lib.proj_as_proj_string.restype = ctypes.c_char_p
lib.proj_as_proj_string.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
lib.proj_destroy.argtypes = [ctypes.c_void_p]
lib.proj_log_level.argtypes = [ctypes.c_void_p, ctypes.c_int]
ctx = lib.proj_context_create()
lib.proj_log_level(ctx, 0)  # PROJ's 'unsupported conversion' lines: those codes have no PROJ string and are left out
PJ_CATEGORY_CRS = 3
WGS84 = CRS.from_epsg(4326)
# PROJ's +datum names and their ellipsoids (PROJ's pj_datums table)
DATUM_ELLPS = {'WGS84': 'WGS84', 'GGRS87': 'GRS80', 'NAD83': 'GRS80', 'NAD27': 'clrk66', 'potsdam': 'bessel', 'carthage': 'clrk80ign',
               'hermannskogel': 'bessel', 'ire65': 'mod_airy', 'nzgd49': 'intl', 'OSGB36': 'airy'}


def bound(code):
    crs = lib.proj_create_from_database(ctx, b'EPSG', code.encode(), PJ_CATEGORY_CRS, 0, None)
    if not crs:
        return None
    b = lib.proj_crs_create_bound_crs_to_WGS84(ctx, crs, None)
    s = lib.proj_as_proj_string(ctx, b or crs, 0, None)  # PJ_PROJ_4
    out = s.decode() if s else None
    if b:
        lib.proj_destroy(b)
    lib.proj_destroy(crs)
    return out


def helmert(definition, conversion=None):
    """+towgs84 (the datum to WGS 84, position vector) for an operation from WGS 84 whose only datum
    step is one Helmert: 'proj=helmert P' maps WGS 84 to the datum (towgs84 is -P, as PROJ reverses
    a Helmert), 'inv proj=helmert P' the other way (towgs84 is P); '0,0,0' for a geocentric null
    shift between two ellipsoids; '' for none (PROJ keeps longitude and latitude, a ballpark: proj4
    does the same for a CRS without +towgs84); None otherwise."""
    steps = [s.strip() for s in definition.split(' step ')]
    skip = 'pipeline|axisswap|unitconvert|push|pop|cart|noop' + (f'|{conversion}' if conversion else '')
    datum = [s for s in steps if not re.match(rf'^(inv )?proj=({skip})\b', s)]
    if not datum:
        return '0,0,0' if any(re.match(r'^(inv )?proj=cart\b', s) for s in steps) else ''
    if len(datum) != 1 or not re.match(r'^(inv )?proj=helmert ', datum[0]):
        return None
    p = dict(kv.split('=', 1) for kv in re.sub(r'^inv ', '', datum[0]).split()[1:] if '=' in kv)
    if set(p) - {'x', 'y', 'z', 'rx', 'ry', 'rz', 's', 'convention'}:
        return None  # time-dependent or other parameters
    v = [float(p.get(k, 0)) for k in ('x', 'y', 'z', 'rx', 'ry', 'rz', 's')]
    if p.get('convention') == 'coordinate_frame':
        v[3:6] = [-r for r in v[3:6]]
    if not datum[0].startswith('inv '):
        v = [-x for x in v]
    return ','.join(f'{x:.12g}' for x in (v if any(v[3:]) else v[:3]))


def explicit_ellipsoid(d, crs):
    """+ellps=NAME as +a= +rf= (or +b= for a sphere): proj4 knows few ellipsoid names and takes
    WGS 84's for the others without a word (WGS72, GRS67, clrk80ign, ...)."""
    e = crs.ellipsoid
    if e is None or '+ellps=' not in d:
        return d
    rf = e.inverse_flattening
    axes = f'+a={e.semi_major_metre!r} +rf={rf!r}' if rf and rf > 0 else f'+a={e.semi_major_metre!r} +b={e.semi_minor_metre!r}'
    return re.sub(r'\+ellps=\S+', axes, d, count=1)


def centre(a):
    """The centre of an area of use, rounded to 1e-6 degree (as test/reference/epsg-points.py)."""
    west, east = a.west, a.east
    if east < west:
        east += 360  # across the antimeridian
    lon = (west + east) / 2
    return round(lon - 360 if lon > 180 else lon, 6), round((a.south + a.north) / 2, 6)


out = {}
for t in ['PROJECTED_CRS', 'GEOGRAPHIC_2D_CRS']:
    for code in get_codes('EPSG', t, allow_deprecated=False):
        fallback = bound(code)
        if not fallback:
            continue
        crs = CRS.from_epsg(code)
        a = crs.area_of_use
        # Coordinates geotensor's boxes cannot be in with proj4: angles in grads, axes pointing
        # west or south (proj4 returns east and north, in degrees), except polar grids' own.
        units = {x.unit_name for x in crs.axis_info}
        dirs = {x.direction for x in crs.axis_info}
        if crs.is_geographic and units != {'degree'}:
            out[code] = [None, 'skip', f'angles in {"/".join(sorted(units))}']
            continue
        polar = re.search(r'\+proj=(stere|sterea|ups)\b', crs.to_proj4() or '') is not None  # "south along 45°E": a polar grid's own axes, in its PROJ string
        if not crs.is_geographic and not polar and not dirs <= {'east', 'north'}:
            out[code] = [None, 'skip', f'axes {"/".join(sorted(dirs))}']
            continue
        best = None
        try:
            # The operation cs2cs uses at the centre of the CRS's area of use (where
            # test/reference/epsg-points.py checks it): the one PROJ picked for that point.
            # From WGS 84 into the CRS itself, as the check goes (PROJ picks by the input point's
            # position and by the target's area of use); its projection step is not a datum shift.
            t = Transformer.from_crs(WGS84, crs, always_xy=True)
            best = t
            if a:
                lon, lat = centre(a)
                t.transform(lon, lat)
                try:
                    best = t.get_last_used_operation()  # one of several candidates
                except ProjError:
                    pass  # a single operation: the transformer itself
        except Exception:
            best = None
        plain = crs.to_proj4()
        conversion = re.search(r'\+proj=(\w+)', plain or '')
        towgs = helmert(best.definition, None if crs.is_geographic or not conversion else conversion.group(1)) if best else None
        if towgs is not None and plain:
            d = re.sub(r' \+(towgs84|nadgrids)=\S+', '', plain)
            d = re.sub(r'\+datum=(\S+)', lambda m: f'+ellps={DATUM_ELLPS.get(m.group(1), m.group(1))}', d)
            d = explicit_ellipsoid(d, crs)
            if '+a=' in d:
                shift = f' +towgs84={towgs}' if towgs else ''
                out[code] = [d.replace(' +no_defs', f'{shift} +no_defs', 1) if '+no_defs' in d else f'{d}{shift}', 'helmert', best.description]
                continue
        out[code] = [explicit_ellipsoid(fallback, crs), 'bound', best.description if best else 'none found']
json.dump(out, sys.stdout)
