"""PURE: the U.S. states as SVG paths, from the vendored us-atlas TopoJSON (Albers USA, 975x610).

The file is ``static/vendor/us-atlas/states-albers-10m.json`` (us-atlas 3.0.1, ISC licence). Its
arcs are quantized and delta-encoded; each state's rings are decoded here once and cached, so the
map is plain server-rendered SVG: no script, no tiles, nothing fetched from elsewhere.
"""

from __future__ import annotations

import json
from functools import cache

from records.core.paths import shipped

ATLAS = shipped("static") / "vendor" / "us-atlas" / "states-albers-10m.json"
VIEWBOX = "0 0 975 610"
# FIPS state codes (the atlas's ids) to postal codes.
FIPS = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT", "10": "DE",
    "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL", "18": "IN", "19": "IA",
    "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD", "25": "MA", "26": "MI", "27": "MN",
    "28": "MS", "29": "MO", "30": "MT", "31": "NE", "32": "NV", "33": "NH", "34": "NJ", "35": "NM",
    "36": "NY", "37": "NC", "38": "ND", "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI",
    "45": "SC", "46": "SD", "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA",
    "54": "WV", "55": "WI", "56": "WY", "60": "AS", "66": "GU", "69": "MP", "72": "PR", "78": "VI",
}  # fmt: skip


@cache
def states() -> tuple[tuple[str, str, str], ...]:
    """(postal code, state name, SVG path data) for every state in the atlas."""
    topo = json.loads(ATLAS.read_text())
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs: list[list[tuple[float, float]]] = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * sx + tx, 1), round(y * sy + ty, 1)))
        arcs.append(points)

    def ring(indexes: list[int]) -> str:
        points: list[tuple[float, float]] = []
        for i in indexes:
            arc = arcs[i] if i >= 0 else arcs[~i][::-1]
            points.extend(arc if not points else arc[1:])
        return "M" + "L".join(f"{x:g},{y:g}" for x, y in points) + "Z"

    out = []
    for geometry in topo["objects"]["states"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        path = "".join(ring(r) for polygon in polygons for r in polygon)
        code = FIPS.get(str(geometry.get("id")), "")
        if code:
            out.append((code, geometry["properties"]["name"], path))
    return tuple(sorted(out))
