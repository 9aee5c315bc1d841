"""Build data/geo/departements.geojson once from gregoiredavid/france-geojson (see SOURCES.md).

    python data/geo/build.py SIMPLIFIEE.geojson OUTRE-MER.geojson > data/geo/departements.geojson

Run by hand when the source changes, never at run time (the app is offline). What it does:
- metropolitan départements from `departements-version-simplifiee.geojson`: coordinates
  rounded to 3 decimals (about 100 m, under a pixel of a 1440 px map) and islets under
  ~3 km² dropped; neighbours keep identical shared vertices, so no gaps open between them;
- the five overseas départements from `departements-avec-outre-mer.geojson`, simplified
  (Douglas–Peucker) and moved into insets at the lower left of the map, in Biscay and off
  northern Spain where the map draws nothing: each is laid out in the plane of the map's
  projection (Lambert conformal conic, parallels 44° and 49°, centred on 2,5° E, written into
  the file as its `projection` member, which `dashboard/charts/map.py` draws with) and
  projected back to longitude/latitude, so that its box stands upright on the map;
- Paris and the three départements of its petite couronne (75, 92, 93, 94), specks on the
  map, drawn a second time, enlarged, in a box at the upper left (the Channel, north of
  Brittany), from the detailed outlines of `departements-avec-outre-mer.geojson`: each stays
  one feature, a MultiPolygon of its outline in place and its enlarged one, so that it is one
  location of the chart, with one colour, one hover and one click in both places;
- every feature gets `code` (INSEE: "01", "2A", "971"), `nom` and `ministry_code` (the code of
  the ministry's result files: "ZA" for Guadeloupe…); the collection's `insets` member lists
  the boxes, each with its name (`nom`), the codes drawn in it, its corners (`frame`, a
  lon/lat ring drawn as its frame) and where its name goes (`label`: "under" the territory,
  inside the frame, or "above" the frame, left-aligned, for the zoom: its long name would
  overflow the box on a phone, and over the Channel nothing is drawn to its right).
"""

from __future__ import annotations

import json
import math
import sys

DIGITS = 3
BORDER_TOLERANCE = 0.01  # degrees (~1 km): under a pixel of a 1440 px wide map, one of a 2× export
ISLET_SQ_DEG = 0.0003  # about 3 km² at 46° N: smaller islands are not visible on the map
# The map's projection (dashboard/charts/map.py PROJECTION): Lambert conformal conic.
PARALLELS = (44.0, 49.0)
CENTRE_LON = 2.5
# Overseas départements: INSEE code → ministry code, in the inset order (bottom-left corner
# first, then up the column, then along the bottom row).
OVERSEAS = {"971": "ZA", "972": "ZB", "973": "ZC", "974": "ZD", "976": "ZM"}
INSET_ORDER = ("973", "971", "972", "974", "976")
INSET_SIZE = 0.0215  # box side in the projection plane (radians of the unit sphere)
INSET_GAP = 0.0030
INSET_FILL = 0.78  # share of the box the territory fills (the name sits under it)
# Paris and its petite couronne, enlarged in a box at the upper left: one and a half overseas
# boxes (larger, it would reach the coast of Côtes-d'Armor), Paris about 4 times its size.
ZOOM_NAME = "Paris et petite couronne"
ZOOM_CODES = ("75", "92", "93", "94")
ZOOM_SIZE = 1.5 * INSET_SIZE
ZOOM_FILL = 0.82


# --- Lambert conformal conic on the unit sphere (as d3.geoConicConformal) ----------------------


def _cone() -> tuple[float, float]:
    p1, p2 = (math.radians(p) for p in PARALLELS)
    n = math.log(math.cos(p1) / math.cos(p2)) / math.log(
        math.tan(math.pi / 4 + p2 / 2) / math.tan(math.pi / 4 + p1 / 2)
    )
    f = math.cos(p1) * math.tan(math.pi / 4 + p1 / 2) ** n / n
    return n, f


N, F = _cone()


def project(lon: float, lat: float) -> tuple[float, float]:
    lam, phi = math.radians(lon - CENTRE_LON), math.radians(lat)
    rho = F / math.tan(math.pi / 4 + phi / 2) ** N
    return rho * math.sin(N * lam), F - rho * math.cos(N * lam)


def unproject(x: float, y: float) -> tuple[float, float]:
    fy = F - y
    rho = math.copysign(math.hypot(x, fy), N)
    lam = math.atan2(x, abs(fy)) * math.copysign(1, fy) / N
    phi = 2 * math.atan((F / rho) ** (1 / N)) - math.pi / 2
    return math.degrees(lam) + CENTRE_LON, math.degrees(phi)


# --- geometry helpers ----------------------------------------------------------------------------


def polygons(geometry: dict) -> list[list[list[list[float]]]]:
    coords = geometry["coordinates"]
    return coords if geometry["type"] == "MultiPolygon" else [coords]


def ring_area(ring: list[list[float]]) -> float:
    return abs(
        sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:] + ring[:1], strict=True)) / 2
    )


def rounded(ring: list[list[float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for lon, lat in ring:
        point = [round(lon, DIGITS), round(lat, DIGITS)]
        if not out or out[-1] != point:
            out.append(point)
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def douglas_peucker(points: list[list[float]], tolerance: float) -> list[list[float]]:
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    dx, dy = x2 - x1, y2 - y1
    norm = math.hypot(dx, dy) or 1e-12
    far, at = 0.0, 0
    for i, (x, y) in enumerate(points[1:-1], start=1):
        d = abs(dy * (x - x1) - dx * (y - y1)) / norm
        if d > far:
            far, at = d, i
    if far <= tolerance:
        return [points[0], points[-1]]
    return douglas_peucker(points[: at + 1], tolerance)[:-1] + douglas_peucker(
        points[at:], tolerance
    )


def simplify_ring(ring: list[list[float]], tolerance: float) -> list[list[float]]:
    """Douglas–Peucker of a closed ring: split at the vertex farthest from the first, whose
    chord to itself would be a point."""
    first = ring[0]
    far = max(range(len(ring)), key=lambda i: math.dist(first, ring[i]))
    return douglas_peucker(ring[: far + 1], tolerance)[:-1] + douglas_peucker(ring[far:], tolerance)


def keep_polygons(polys: list, min_area: float) -> list:
    """Drop islets, always keeping the largest polygon."""
    largest = max(polys, key=lambda p: ring_area(p[0]))
    return [p for p in polys if p is largest or ring_area(p[0]) >= min_area]


def geometry_of(polys: list) -> dict:
    if len(polys) == 1:
        return {"type": "Polygon", "coordinates": polys[0]}
    return {"type": "MultiPolygon", "coordinates": polys}


# --- insets ----------------------------------------------------------------------------------


def plane_bounds(metro: list[dict]) -> tuple[float, float, float, float]:
    """The metropolitan map's bounds in the projection plane: x0, y0, x1, y1."""
    xs, ys = [], []
    for feature in metro:
        for poly in polygons(feature["geometry"]):
            for lon, lat in poly[0]:
                x, y = project(lon, lat)
                xs.append(x)
                ys.append(y)
    return min(xs), min(ys), max(xs), max(ys)


def inset_boxes(metro: list[dict]) -> dict[str, tuple[float, float]]:
    """Lower-left corner of each inset box in the projection plane."""
    x0, y0, _, _ = plane_bounds(metro)
    step = INSET_SIZE + INSET_GAP
    corners = [(x0, y0), (x0, y0 + step), (x0, y0 + 2 * step), (x0 + step, y0), (x0 + 2 * step, y0)]
    return dict(zip(INSET_ORDER, corners, strict=True))


def box_view(polys: list, corner: tuple[float, float], size: float, fill: float) -> tuple:
    """A local equirectangular view (north up) of `polys` scaled to fill `fill` of the box of
    side `size` whose lower-left corner is `corner` (projection plane), above the name's line:
    the function placing a lon/lat point in the box (as lon/lat), and the territory's extent
    (degrees, the larger of its width and height)."""
    lons = [p[0] for poly in polys for p in poly[0]]
    lats = [p[1] for poly in polys for p in poly[0]]
    lat0 = (min(lats) + max(lats)) / 2
    k = math.cos(math.radians(lat0))
    extent = max((max(lons) - min(lons)) * k, max(lats) - min(lats))
    scale = size * fill / extent
    cx, cy = corner[0] + size / 2, corner[1] + size * (1 - fill / 2) - 0.0004
    mid_lon, mid_lat = (min(lons) + max(lons)) / 2, lat0

    def place(lon: float, lat: float) -> list[float]:
        x = cx + (lon - mid_lon) * k * scale
        y = cy + (lat - mid_lat) * scale
        return list(unproject(x, y))

    return place, extent


def frame_of(corner: tuple[float, float], size: float) -> list[list[float]]:
    """The box's corners as a lon/lat ring (from the lower left, anticlockwise)."""
    x, y = corner
    edge = [(x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y)]
    return [[round(v, DIGITS) for v in unproject(px, py)] for px, py in edge]


def moved(feature: dict, corner: tuple[float, float]) -> tuple[list, list[list[float]]]:
    """The territory scaled into its box, and the box's frame, both as lon/lat."""
    polys = polygons(feature["geometry"])
    place, extent = box_view(polys, corner, INSET_SIZE, INSET_FILL)
    tolerance = extent / 400
    out = []
    for poly in keep_polygons(polys, (extent / 60) ** 2):
        rings = []
        for ring in poly:
            simple = simplify_ring(ring, tolerance)
            if len(simple) >= 4:
                rings.append(rounded([place(lon, lat) for lon, lat in simple]))
        if rings:
            out.append(rings)
    return out, frame_of(corner, INSET_SIZE)


def zoomed(features: list[dict], corner: tuple[float, float]) -> tuple[list[list], list]:
    """The départements of `features` enlarged together into the zoom's box (their borders
    simplified once for both neighbours, as on the map), one list of polygons each, and the
    box's frame."""
    polys_of = [polygons(f["geometry"]) for f in features]
    place, extent = box_view([p for polys in polys_of for p in polys], corner, ZOOM_SIZE, ZOOM_FILL)
    flat = [ring for polys in polys_of for poly in polys for ring in poly]
    simple = iter(simplify_shared(flat, extent / 400))
    out = [
        [[rounded([place(lon, lat) for lon, lat in next(simple)]) for _ in poly] for poly in polys]
        for polys in polys_of
    ]
    return out, frame_of(corner, ZOOM_SIZE)


def zoom_corner(metro: list[dict]) -> tuple[float, float]:
    """Lower-left corner of the zoom's box: its top left at the map's (Brittany's tip, and
    the latitude of Dunkirk), over the Channel."""
    x0, _, _, y1 = plane_bounds(metro)
    return x0, y1 - ZOOM_SIZE


def simplify_shared(rings: list[list[list[float]]], tolerance: float) -> list[list[list[float]]]:
    """Douglas–Peucker along the borders, each border simplified once for both neighbours:
    a vertex where the set of rings it belongs to changes is kept, and every run between two
    such vertices is simplified the same way whichever ring walks it (and in which direction),
    so that neighbours keep sharing their border and no gap or overlap opens between them."""
    members: dict[tuple[float, float], set[int]] = {}
    for i, ring in enumerate(rings):
        for point in ring[:-1]:
            members.setdefault(tuple(point), set()).add(i)
    done: dict[tuple, list[list[float]]] = {}

    def run(points: list[list[float]]) -> list[list[float]]:
        key = tuple(map(tuple, points))
        back = key[::-1]
        if back in done:
            return done[back][::-1]
        if key not in done:
            forward = key if key <= back else back
            simple = douglas_peucker([list(p) for p in forward], tolerance)
            done[forward] = simple
            done[forward[::-1]] = simple[::-1]
        return done[key]

    out = []
    for ring in rings:
        pts = ring[:-1]
        n = len(pts)
        sets = [frozenset(members[tuple(p)]) for p in pts]
        fixed = [i for i in range(n) if sets[i] != sets[i - 1] or sets[i] != sets[(i + 1) % n]]
        if not fixed:
            # A ring sharing all of its border with one other (or none): start at its
            # smallest vertex, so that both walk it from the same point.
            start = min(range(n), key=lambda i: tuple(pts[i]))
            pts = pts[start:] + pts[:start]
            far = max(range(n), key=lambda i: math.dist(pts[0], pts[i]))
            fixed, n = [0, far], len(pts)
        else:
            pts = pts[fixed[0] :] + pts[: fixed[0]]
            fixed = [i - fixed[0] for i in fixed]
        new: list[list[float]] = []
        bounds = [*fixed, n]
        for a, b in zip(bounds, bounds[1:], strict=False):
            segment = pts[a : b + 1] if b < n else pts[a:] + pts[:1]
            new.extend(run(segment)[:-1])
        new.append(new[0])
        out.append(new if len(new) >= 4 else ring)
    return out


def build(simplified: dict, overseas: dict) -> dict:
    metro = sorted(simplified["features"], key=lambda f: f["properties"]["code"])
    kept = [
        [
            [rounded(ring) for ring in poly]
            for poly in keep_polygons(polygons(f["geometry"]), ISLET_SQ_DEG)
        ]
        for f in metro
    ]
    flat = [ring for polys in kept for poly in polys for ring in poly]
    simple = iter(simplify_shared(flat, BORDER_TOLERANCE))
    features = []
    for feature, polys_in in zip(metro, kept, strict=True):
        polys = [[next(simple) for _ in poly] for poly in polys_in]
        code = feature["properties"]["code"]
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {
                    "code": code,
                    "nom": feature["properties"]["nom"],
                    "ministry_code": code,
                },
                "geometry": geometry_of(polys),
            }
        )
    boxes = inset_boxes(metro)
    by_code = {f["properties"]["code"]: f for f in overseas["features"]}
    insets = []
    for code in sorted(OVERSEAS):
        polys, frame = moved(by_code[code], boxes[code])
        name = by_code[code]["properties"]["nom"]
        insets.append({"nom": name, "codes": [code], "frame": frame, "label": "under"})
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"code": code, "nom": name, "ministry_code": OVERSEAS[code]},
                "geometry": geometry_of(polys),
            }
        )
    enlarged, frame = zoomed([by_code[c] for c in ZOOM_CODES], zoom_corner(metro))
    in_place = {f["id"]: f for f in features}
    for code, polys in zip(ZOOM_CODES, enlarged, strict=True):
        in_place[code]["geometry"] = geometry_of(polygons(in_place[code]["geometry"]) + polys)
    insets.append({"nom": ZOOM_NAME, "codes": list(ZOOM_CODES), "frame": frame, "label": "above"})
    projection = {
        "type": "conic conformal",
        "parallels": list(PARALLELS),
        "rotation_lon": CENTRE_LON,
    }
    return {
        "type": "FeatureCollection",
        "projection": projection,
        "insets": insets,
        "features": features,
    }


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as a, open(sys.argv[2], encoding="utf-8") as b:
        collection = build(json.load(a), json.load(b))
    json.dump(collection, sys.stdout, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.write("\n")
