"""A small pure-Python TopoJSON decoder (enough for the township atlas).

TopoJSON stores each shared border once, as an *arc*; polygons list the arcs
of their rings by index (a negative index ``~i`` means arc ``i`` reversed).
A quantized topology stores arc points as integer deltas from the previous
point; ``transform`` maps the integers back to longitude/latitude.
Specification: https://github.com/topojson/topojson-specification
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Feature:
    properties: dict
    polygons: list  # [[ring, ...], ...]; a ring is a list of arc indices (negative = reversed)


def decode_arcs(topology):
    """Every arc as a list of absolute (longitude, latitude) points."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(point[0]), float(point[1])) for point in arc])
            continue
        (scale_x, scale_y), (translate_x, translate_y) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for point in arc:
            x += point[0]
            y += point[1]
            points.append((x * scale_x + translate_x, y * scale_y + translate_y))
        arcs.append(points)
    return arcs


def features(topology, object_name):
    """The polygons of one GeometryCollection, as arc-index rings (geometry types Polygon and MultiPolygon)."""
    collection = topology["objects"][object_name]
    result = []
    for geometry in collection["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            raise ValueError(f"unsupported geometry type {geometry['type']!r} in {object_name}")
        result.append(Feature(properties=geometry.get("properties", {}), polygons=polygons))
    return result


def ring_points(ring, arcs):
    """Join the arcs of one ring into one closed list of points.

    Consecutive arcs share their end/start point; it is kept once.
    """
    points = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points
