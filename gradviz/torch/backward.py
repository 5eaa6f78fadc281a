"""A PyTorch backward pass as a BackpropTrace, read from autograd itself.

The graph is autograd's: one Node per `grad_fn` node reachable from the loss, one leaf Node per
`AccumulateGrad` (a parameter or an input tensor). Each node's inputs are its `next_functions`,
so an edge runs from the producer of a forward input to the node that consumed it.

The backward pass is one ``torch.autograd.grad(loss, inputs)`` call with a hook on every node
(`Node.register_hook`): the hook sees the gradients arriving at the node's outputs (the
**upstream grads**, already summed by autograd where a tensor fans out) and what it sends back
along each input edge (the **contributions**). Hooks run in the order autograd executes the nodes,
which is the order of the steps. Nothing is recomputed: `.grads` are the tensors autograd returned.

Edges that carry nothing get their reason from the forward capture when there is one (a
`detach()`, a tensor with requires_grad=False, a result of `no_grad`, an integer tensor, a
non-differentiable op); without a capture they read "requires_grad=False" and their values, like
all forward values, are unknown.
"""

import numpy as np
import torch

from ..debug import model as m
from ..debug.trace import BackpropTrace, EdgeStep, Step
from .forward import NO_REQUIRES_GRAD, _is_leaf_node, _numpy, node_kind

# Autograd nodes of elementwise ops: local derivative = contribution / upstream, entry by entry.
ELEMENTWISE = {
    "add",
    "sub",
    "mul",
    "div",
    "neg",
    "relu",
    "sigmoid",
    "tanh",
    "exp",
    "log",
    "pow",
    "sqrt",
    "sin",
    "cos",
    "abs",
    "leakyrelu",
    "gelu",
    "silu",
}
SYMBOLS = {"add": "+", "sub": "−", "mul": "×", "div": "÷", "mm": "@", "matmul": "@", "pow": "^"}


def trace_backward(loss, inputs=None, module=None, grad_output=None, capture=None):
    """Run the backward pass of `loss` with node hooks and return it as a BackpropTrace.

    >>> trace = gv.torch.trace_backward(loss, module=model)   # no forward capture: values unknown

    `inputs`: tensors to differentiate with respect to (default: every leaf of the graph that
    requires grad, the parameters of `module` in their registration order first). `module`
    names the parameters ("fc1.weight"); a capture's model does the same.
    """
    if not isinstance(loss, torch.Tensor):
        raise TypeError(f"trace_backward(loss): expected a torch.Tensor, got {type(loss).__name__}")
    if loss.grad_fn is None:
        why = "it does not require grad" if not loss.requires_grad else "it is a leaf"
        raise ValueError(f"trace_backward(loss): loss has no backward graph ({why})")
    module = module if module is not None else getattr(capture, "model", None)
    graph = AutogradGraph(loss, capture, module)
    return TorchTrace(graph, graph.resolve_inputs(inputs), grad_output)


class AutogradGraph:
    """The neutral nodes, values and edges of autograd's graph behind `loss`."""

    def __init__(self, loss, capture=None, module=None):
        self.loss, self.capture = loss, capture
        named = module.named_parameters(remove_duplicate=False) if module is not None else []
        self.param_names = {id(p): name for name, p in named}
        self.nodes = []  # neutral Nodes, in topological order
        self.node_of = {}  # autograd node -> neutral Node
        self.fn_of = {}  # neutral Node -> autograd node
        self.leaf_of = {}  # id(leaf tensor) -> its neutral Node
        self.values = {}  # Value -> numpy, where known
        self.stopped = {}  # Edge -> reason
        self._sources = {}  # id(tensor) -> (Value, reason) for tensors without a gradient
        self._names = {}
        order = _topological(loss.grad_fn)
        for fn in order:
            self._add(fn)
        for fn in order:
            self._connect(fn)
        self.root = self.value(loss.grad_fn, loss.output_nr)
        self.values[self.root] = _numpy(loss)
        self._reindex()

    # -- nodes -----------------------------------------------------------------------------------
    def _add(self, fn):
        if _is_leaf_node(fn):
            node = self._leaf_node(fn.variable)
        else:
            scope, name = self._scope_and_name(fn)
            kind = node_kind(fn)
            node = self._new(name, fn.name(), m.OP, SYMBOLS.get(kind, kind), scope)
            node.note = kind
        self.node_of[fn] = node
        self.fn_of[node] = fn

    def _leaf_node(self, tensor):
        name = self.param_names.get(id(tensor))
        is_parameter = name is not None or isinstance(tensor, torch.nn.Parameter)
        role = m.VARIABLE if is_parameter else m.PLACEHOLDER
        if name is None and self.capture is not None and any(t is tensor for t in self.capture.inputs):
            name = "input"
        node = self._new(
            (name or ("param" if role == m.VARIABLE else "leaf")).replace(".", "/"), "leaf", role, ""
        )
        value = self._output(node, 0, tensor)
        self.values[value] = _numpy(tensor)
        self.leaf_of[id(tensor)] = node
        return node

    def _scope_and_name(self, fn):
        known = self.capture.node_scope.get(fn) if self.capture is not None else None
        if known is not None:
            return known[0], (known[0] + "/" + known[1]) if known[0] else known[1]
        scope = self._param_scope(fn)
        return scope, self._unique((scope + "/" if scope else "") + node_kind(fn))

    def _param_scope(self, fn):
        """Without a capture: the module of the parameters a node reads (directly or via t())."""
        for child, _ in fn.next_functions:
            if child is not None and child.name() == "TBackward0":
                child = child.next_functions[0][0]
            name = self.param_names.get(id(getattr(child, "variable", None)))
            if name is not None and "." in name:
                return name.rsplit(".", 1)[0].replace(".", "/")
        return ""

    def _new(self, name, type_, role, label, scope=None):
        if scope is None or not name.startswith(scope):
            name = self._unique(name)
        node = m.Node(name, type_, len(self.nodes), role, label)
        self.nodes.append(node)
        return node

    def _unique(self, name):
        n = self._names.get(name, 0)
        self._names[name] = n + 1
        return name if n == 0 else f"{name}_{n}"

    def _output(self, node, index, tensor=None):
        while len(node.outputs) <= index:
            node.outputs.append(m.Value(node, len(node.outputs), None, np.dtype("float32")))
        value = node.outputs[index]
        if tensor is not None:
            value.shape, value.dtype = tuple(tensor.shape), _np_dtype(tensor.dtype)
        return value

    def value(self, fn, index):
        """The neutral Value of output `index` of autograd node `fn`."""
        value = self._output(self.node_of[fn], index)
        known = self.capture.node_values.get((fn, index)) if self.capture is not None else None
        if known is not None and value not in self.values:
            self.values[value] = known
            value.shape, value.dtype = known.shape, known.dtype
        return value

    # -- edges -----------------------------------------------------------------------------------
    def _connect(self, fn):
        if _is_leaf_node(fn):
            return
        node = self.node_of[fn]
        dead = list(self.capture.stopped_inputs.get(fn, ())) if self.capture is not None else []
        missing = sum(child is None for child, _ in fn.next_functions)
        matched = iter(dead) if len(dead) == missing else iter(())
        for child, index in fn.next_functions:
            if child is not None:
                node.inputs.append(self.value(child, index))
            else:
                self._stopped_input(node, next(matched, None))
        if len(dead) != missing:  # the captured dead inputs could not be matched one to one
            for tensor in dead:
                self._stopped_input(node, tensor)

    def _stopped_input(self, node, tensor):
        value, reason = self._source(tensor)
        self.stopped[m.Edge(value, node, len(node.inputs))] = reason
        node.inputs.append(value)

    def _source(self, tensor):
        """The Value a tensor without a gradient comes from, and why it has none."""
        key = id(tensor) if tensor is not None else None
        if key in self._sources:
            return self._sources[key]
        origin = self.capture.origins.get(key) if self.capture is not None else None
        if origin is not None:
            found = self._origin_source(origin)
        else:
            integer = tensor is not None and not (tensor.is_floating_point() or tensor.is_complex())
            found = (self._untracked_leaf(tensor), m.INTEGER if integer else NO_REQUIRES_GRAD)
        self._sources[key] = found
        return found

    def _origin_source(self, origin):
        node = self._new(
            (origin.scope + "/" if origin.scope else "") + origin.name, origin.func, m.OP, origin.func
        )
        value = self._output(node, 0, origin.tensor)
        self.values[value] = origin.value
        self._sources[id(origin.tensor)] = (value, origin.reason)
        for tensor in origin.inputs:  # draw where the cut happens: the detach() of h, ...
            fn = tensor.grad_fn
            if fn is not None and fn not in self.node_of:
                self._add_subgraph(fn)  # what only the cut branch depends on
            if fn is not None:
                src = self.value(fn, tensor.output_nr)
            elif id(tensor) in self.capture.origins or not tensor.requires_grad:
                src = self._source(tensor)[0]
            else:
                continue
            self.stopped[m.Edge(src, node, len(node.inputs))] = origin.reason
            node.inputs.append(src)
        return value, origin.reason

    def _add_subgraph(self, root):
        new = [fn for fn in _topological(root) if fn not in self.node_of]
        for fn in new:
            self._add(fn)
        for fn in new:
            self._connect(fn)

    def _reindex(self):
        """Number the nodes in the order the forward pass made them (autograd's sequence numbers
        say so), producers always before their consumers: leaves first, and a node without
        gradient (a detach) just before the first node that reads it."""

        params = {name.replace(".", "/"): i for i, name in enumerate(self.param_names.values())}

        def made(node):
            fn = self.fn_of.get(node)
            if fn is not None and not _is_leaf_node(fn):
                return (1, fn._sequence_nr())
            return (0, params.get(node.name, len(params))) if node.role != m.OP else (2, 0)

        order, seen = [], set()
        for node in sorted(self.nodes, key=made):
            stack = [(node, iter(node.inputs))]
            if node in seen:
                continue
            seen.add(node)
            while stack:
                current, inputs = stack[-1]
                src = next((v.op for v in inputs if v.op not in seen), None)
                if src is None:
                    stack.pop()
                    order.append(current)
                else:
                    seen.add(src)
                    stack.append((src, iter(src.inputs)))
        for i, node in enumerate(order):
            node.index = i
        self.nodes = order

    def _untracked_leaf(self, tensor):
        if tensor is None:
            node = self._new("no_grad_input", "leaf", m.CONSTANT, "")
            return self._output(node, 0)
        if id(tensor) in self.leaf_of:
            return self.leaf_of[id(tensor)].outputs[0]
        name = self.param_names.get(id(tensor))
        role = m.VARIABLE if name is not None else m.CONSTANT
        if name is None and self.capture is not None and any(t is tensor for t in self.capture.inputs):
            name, role = "input", m.PLACEHOLDER
        node = self._new((name or "tensor").replace(".", "/"), "leaf", role, "")
        value = self._output(node, 0, tensor)
        self.values[value] = _numpy(tensor)
        self.leaf_of[id(tensor)] = node
        return value

    # -- inputs ----------------------------------------------------------------------------------
    def resolve_inputs(self, inputs):
        """[(tensor, Value)] for the tensors to differentiate with respect to."""
        if inputs is None:
            leaves = [fn.variable for fn in self.node_of if _is_leaf_node(fn)]
            leaves = [t for t in leaves if t.requires_grad]
            first = {i: n for n, i in enumerate(self.param_names)}
            inputs = sorted(leaves, key=lambda t: first.get(id(t), len(first)))
            if not inputs:
                raise ValueError("trace_backward: no leaf of the loss's graph requires grad")
        inputs = [inputs] if isinstance(inputs, torch.Tensor) else list(inputs)
        resolved = []
        for i, t in enumerate(inputs):
            if not isinstance(t, torch.Tensor) or not t.requires_grad:
                raise ValueError(f"trace_backward(inputs): input {i} is not a tensor requiring grad")
            resolved.append((t, self._input_value(t)))
        return resolved

    def _input_value(self, tensor):
        if tensor.grad_fn is not None and tensor.grad_fn in self.node_of:
            return self.value(tensor.grad_fn, tensor.output_nr)
        node = self.leaf_of.get(id(tensor))
        if node is None:  # a leaf the loss does not depend on: drawn alone, its gradient None
            node = self._leaf_node(tensor)
        return node.outputs[0]

    def name_of(self, tensor, value):
        """ "fc1.weight" for a parameter, else the node name."""
        return self.param_names.get(id(tensor), value.op.name)


class TorchTrace(BackpropTrace):
    """One PyTorch backward pass (see the module docstring); reads like any BackpropTrace."""

    def __init__(self, graph, inputs, grad_output=None):
        self.graph = graph
        self.tensors = [t for t, _ in inputs]
        xs = [v for _, v in inputs]
        records, order = _run_hooked(graph, self.tensors, grad_output)
        self.torch_grads = records.pop(None)
        grads = [None if g is None else _numpy(g) for g in self.torch_grads]
        names = [graph.name_of(t, v) for t, v in inputs]
        super().__init__(graph.nodes, [graph.root], xs, grads, graph.values, names)
        self.order = [graph.node_of[fn] for fn in order]
        self._record(records, order)
        self.steps = self._build_steps(records, order)

    def _record(self, records, order):
        graph, executed = self.graph, set(self.order)
        for fn in order:
            grad_inputs, grad_outputs = records[fn]
            node = graph.node_of[fn]
            for i, g in enumerate(grad_outputs):
                if g is not None and i < len(node.outputs):
                    self._totals[node.outputs[i]] = _numpy(g, copy=False)
        for x, g in zip(self.xs, self.grads, strict=True):
            if g is not None:
                self._totals[x] = g
        self._stopped.update(graph.stopped)
        for node in graph.nodes:
            for edge in self.edges_into(node):
                if edge in self._stopped:
                    continue
                g = records[graph.fn_of[node]][0][edge.index] if node in executed else None
                if g is None:
                    self._stopped[edge] = m.UNREACHED if node not in executed else m.NOTHING_ARRIVED
                else:
                    self._contributions[edge] = _numpy(g, copy=False)
                    self._fan_in[edge.src] = self._fan_in.get(edge.src, 0) + 1
        for value, array in self._totals.items():
            if value.shape is None:
                value.shape = np.shape(array)
        self._reached = executed | {x.op for x in self.xs if x in self._totals}

    def _build_steps(self, records, order):
        position = {node: i for i, node in enumerate(self.order)}
        running, expected = self.arrivals(position)
        named = frozenset(self.xs)
        steps = []
        for i, node in enumerate(self.order):
            upstream = [self._totals.get(v) for v in node.outputs] or [None]
            edges = [self._edge_step(e, upstream[0], named) for e in self.edges_into(node)]
            steps.append(Step(i, node, upstream, edges, running.get(i, {}), self.waiting(expected, i)))
        return steps

    def _edge_step(self, edge, upstream, named):
        src = m.short_name(edge.src)
        formula = f"∂{edge.dst.name}/∂{src}"
        reason = self._stopped.get(edge)
        if reason is not None:
            return EdgeStep(edge, formula, None, None, reason)
        contribution = self._contributions[edge]
        local = None
        elementwise = edge.dst.note in ELEMENTWISE and upstream is not None
        if elementwise and np.shape(upstream) == np.shape(contribution) and np.all(upstream):
            local = contribution / upstream
        return EdgeStep(edge, formula, local, contribution, None)

    def _x_index(self, x):
        if isinstance(x, torch.Tensor):  # the tensor itself: the first input that is it
            i = next((i for i, t in enumerate(self.tensors) if t is x), None)
            if i is None:
                raise ValueError("this tensor is not one of the trace's inputs")
            return i
        return super()._x_index(x)

    def tensor_of(self, x):
        """The torch tensor of one of the xs (a Value, its name, or the tensor itself)."""
        return self.tensors[self._x_index(x)]

    def __repr__(self):
        return f"<gradviz.BackpropTrace (PyTorch): {len(self.steps)} steps, {len(self.xs)} inputs>"


def _run_hooked(graph, tensors, grad_output):
    """torch.autograd.grad with a hook on every node; {fn: (grad_inputs, grad_outputs)}, order."""
    records, order, handles = {}, [], []

    def hook_for(fn):
        def hook(grad_inputs, grad_outputs):
            records[fn] = (tuple(grad_inputs), tuple(grad_outputs))
            order.append(fn)

        return hook

    try:
        for fn in graph.node_of:
            if not _is_leaf_node(fn):
                handles.append(fn.register_hook(hook_for(fn)))
        records[None] = torch.autograd.grad(
            graph.loss, tensors, grad_outputs=grad_output, retain_graph=True, allow_unused=True
        )
    finally:
        for handle in handles:
            handle.remove()
    return records, order


def _topological(root):
    """Autograd nodes reachable from `root`, producers before consumers (iterative DFS)."""
    order, seen, stack = [], {root}, [(root, iter(root.next_functions))]
    while stack:
        fn, children = stack[-1]
        child = next((c for c, _ in children if c is not None and c not in seen), None)
        if child is None:
            stack.pop()
            order.append(fn)
        else:
            seen.add(child)
            stack.append((child, iter(child.next_functions)))
    return order


def _np_dtype(dtype):
    return np.dtype(str(dtype).replace("torch.", "").replace("bfloat16", "float32"))
