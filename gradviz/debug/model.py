"""The source-neutral model a BackpropTrace is made of: nodes, values, edges, roles, reasons.

Two producers build traces: the engine (`gradients()` + a Session, see `trace.py`) and PyTorch
(`gradviz.torch`: a forward capture plus autograd node hooks). Everything that reads a trace (the
drawings, the Debugger, summaries, the NaN search) reads only what is described here, never a
producer's internals:

    Node    .name ("fc1/linear", "mul_1": "/" separates scopes), .type (what it computes),
            .inputs / .outputs (Values), .index (creation order: sorting by it is topological)
    Value   .op (the Node that produced it), .value_index, .name, .shape (tuple or TensorShape),
            .dtype (a numpy dtype)
    Edge    value `src` feeds input `index` of node `dst` (the forward direction)

The engine's Operation and Tensor have these attributes already; `Node` and `Value` below are the
plain versions other producers use. The trace answers the rest (see `BackpropTrace`): a node's
`role` (one of ROLES) and display `label`, each edge's `contribution` or stop `reason`, each
value's accumulated `total` and how many contributions met there (`fan_in`).
"""

from dataclasses import dataclass, field

import numpy as np

# What a node is, for drawing and stepping: leaves are known before the forward pass starts.
PLACEHOLDER, VARIABLE, CONSTANT, OP, GROUP = "placeholder", "variable", "constant", "op", "group"
ROLES = (PLACEHOLDER, VARIABLE, CONSTANT, OP, GROUP)
LEAF_ROLES = (PLACEHOLDER, VARIABLE, CONSTANT)

# Stop reasons every producer can meet (each producer adds its own; the theme styles them all).
INTEGER = "integer tensor"
UNREACHED = "does not reach any x"
NOTHING_ARRIVED = "no gradient arrives here"
# PyTorch's reasons (gradviz.torch): which of them cut an edge is read from the forward capture.
DETACHED = "detach()"
NO_REQUIRES_GRAD = "requires_grad=False"
NO_GRAD = "no_grad"
NOT_DIFFERENTIABLE = "non-differentiable op"


@dataclass(frozen=True)
class Edge:
    """Forward edge: value `src` feeds input `index` of node `dst`."""

    src: object  # Value
    dst: object  # Node
    index: int

    @property
    def key(self):
        return (self.dst.name, self.index)


@dataclass(eq=False)
class Node:
    """One node of a producer's graph (a PyTorch autograd node, a leaf tensor, ...)."""

    name: str
    type: str
    index: int
    role: str = OP
    label: str = ""
    inputs: list = field(default_factory=list)  # Value per input edge
    outputs: list = field(default_factory=list)
    note: str = ""  # where it comes from, in the producer's words ("AddmmBackward0")

    def __repr__(self):
        return f"<Node {self.name} ({self.type})>"


@dataclass(eq=False)
class Value:
    """An output of a Node; shape and dtype as the producer reported them."""

    op: Node
    value_index: int
    shape: tuple | None
    dtype: np.dtype

    @property
    def name(self):
        return f"{self.op.name}:{self.value_index}"

    def __repr__(self):
        return f"<Value {self.name} {self.shape}>"


def short_name(value):
    """`mul_1` for `mul_1:0`: the name a student reads on the drawing."""
    return value.op.name if value.value_index == 0 else value.name
