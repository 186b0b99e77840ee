"""Writes examples/onnx/slope.onnx: Horn's slope (what `gdaldem slope` computes) as an ONNX graph.

Inputs: `dem` float32 [n, 1, h, w] (geotensor's 'band' layout) and `pixel` float32 [2] (the pixel's
width and height in the DEM's units). Output: `slope` float32 [n, 1, h-2, w-2] in degrees, for each
pixel with all 8 neighbours (the border ring has none, as in gdaldem without -compute_edges).
Built with the onnx package (Debian: python3-onnx); run `python3 examples/onnx/make-model.py`.
"""
import math
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# ONNX Conv is a cross-correlation: the kernels apply as written (rows top to bottom).
# Horn: dz/dx = ((c + 2f + i) - (a + 2d + g)) / 8 dx, dz/dy = ((g + 2h + i) - (a + 2b + c)) / 8 dy.
kx = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32).reshape(1, 1, 3, 3)
ky = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=np.float32).reshape(1, 1, 3, 3)
inits = [
    numpy_helper.from_array(kx, "kx"),
    numpy_helper.from_array(ky, "ky"),
    numpy_helper.from_array(np.array([8.0], dtype=np.float32), "eight"),
    numpy_helper.from_array(np.array([180.0 / math.pi], dtype=np.float32), "degrees"),
    numpy_helper.from_array(np.array([0], dtype=np.int64), "i0"),
    numpy_helper.from_array(np.array([1], dtype=np.int64), "i1"),
]
nodes = [
    helper.make_node("Conv", ["dem", "kx"], ["gx"]),
    helper.make_node("Conv", ["dem", "ky"], ["gy"]),
    helper.make_node("Mul", ["pixel", "eight"], ["eight_px"]),
    helper.make_node("Gather", ["eight_px", "i0"], ["ex"], axis=0),
    helper.make_node("Gather", ["eight_px", "i1"], ["ey"], axis=0),
    helper.make_node("Div", ["gx", "ex"], ["dx"]),
    helper.make_node("Div", ["gy", "ey"], ["dy"]),
    helper.make_node("Mul", ["dx", "dx"], ["dx2"]),
    helper.make_node("Mul", ["dy", "dy"], ["dy2"]),
    helper.make_node("Add", ["dx2", "dy2"], ["g2"]),
    helper.make_node("Sqrt", ["g2"], ["g"]),
    helper.make_node("Atan", ["g"], ["rad"]),
    helper.make_node("Mul", ["rad", "degrees"], ["slope"]),
]
graph = helper.make_graph(
    nodes,
    "horn_slope",
    [
        helper.make_tensor_value_info("dem", TensorProto.FLOAT, ["n", 1, "h", "w"]),
        helper.make_tensor_value_info("pixel", TensorProto.FLOAT, [2]),
    ],
    [helper.make_tensor_value_info("slope", TensorProto.FLOAT, ["n", 1, "h2", "w2"])],
    inits,
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="geotensor examples/onnx/make-model.py")
model.ir_version = 8
onnx.checker.check_model(model)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "slope.onnx")
onnx.save(model, out)
print(f"wrote {out} ({os.path.getsize(out)} bytes)")
