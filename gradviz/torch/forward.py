"""Record a PyTorch forward pass: which op ran, in which module, on which values.

    with gv.torch.capture(model) as cap:
        loss = F.mse_loss(model(x), y)
    trace = cap.trace_backward(loss)

Two PyTorch mechanisms, each for what only it sees:

- a `TorchFunctionMode` sees every torch function call of the forward pass: module ops, functional
  ops (`torch.relu`, `x + y`, `h.relu_()`), and also the calls that build no autograd node at all
  (`detach()`, ops under `no_grad`, integer ops), which is how a stopped edge gets its reason. It
  sees each output the moment it is made, so a value later changed in place is kept as it was.
- forward pre/post hooks on the model's submodules keep the stack of module names, so every
  autograd node made while `encoder.layer.0.attn` runs is in scope `encoder/layer/0/attn`.

Module hooks alone would miss functional ops and values; the mode alone would not know modules.
The autograd nodes themselves are read from `grad_fn` after each call: the output's `grad_fn` is
the call's node, and nodes it reaches that were not seen before (the `t()` inside `linear`, a
custom `autograd.Function`) were made by the same call. Nothing here changes what autograd does.
"""

import re

import torch
from torch.overrides import TorchFunctionMode

from ..debug.model import DETACHED, INTEGER, NO_GRAD, NO_REQUIRES_GRAD, NOT_DIFFERENTIABLE

_DETACH = {"detach", "detach_"}


class Origin:
    """A recorded call's output that carries no gradient: where it came from and why."""

    __slots__ = ("name", "scope", "func", "reason", "value", "inputs", "tensor")

    def __init__(self, name, scope, func, reason, value, inputs, tensor):
        self.name, self.scope, self.func, self.reason = name, scope, func, reason
        self.value, self.inputs, self.tensor = value, inputs, tensor


class Capture:
    """The record of one forward pass (see the module docstring); a context manager."""

    def __init__(self, model=None):
        if model is not None and not isinstance(model, torch.nn.Module):
            raise TypeError(f"capture(model): expected a torch.nn.Module, got {type(model).__name__}")
        self.model = model
        self.scopes = []  # the module-name stack while the forward pass runs
        self.node_scope = {}  # autograd node -> (scope, op name)
        self.node_values = {}  # (autograd node, output_nr) -> numpy value
        self.stopped_inputs = {}  # autograd node -> [tensors it read that carry no gradient]
        self.origins = {}  # id(tensor) -> Origin, for recorded outputs without a gradient
        self.inputs = []  # the tensors passed to model(...), in order
        self._names = {}  # scope -> {op name: count}, for unique names
        self._handles, self._mode, self._keep = [], None, []

    # -- the context manager ---------------------------------------------------------------------
    def __enter__(self):
        if self._mode is not None:
            raise RuntimeError("this capture is already recording")
        if self.model is not None:
            self._hook_modules(self.model)
        self._mode = _Recorder(self)
        self._mode.__enter__()
        return self

    def __exit__(self, *exc):
        self._mode.__exit__(*exc)
        self._mode = None
        for handle in self._handles:
            handle.remove()
        self._handles, self.scopes = [], []
        return False

    def _hook_modules(self, model):
        def enter(name):
            def pre(module, args):
                if not self.scopes and name == "":
                    self.inputs += [a for a in args if isinstance(a, torch.Tensor)]
                self.scopes.append(name)

            return pre

        def leave(module, args, output):
            self.scopes.pop()

        for name, module in model.named_modules():
            self._handles.append(module.register_forward_pre_hook(enter(name)))
            self._handles.append(module.register_forward_hook(leave))

    @property
    def scope(self):
        """The innermost running module as a scope path: "encoder/layer/0/attn"."""
        name = next((s for s in reversed(self.scopes) if s), "")
        return name.replace(".", "/")

    # -- what one call leaves behind -------------------------------------------------------------
    def record(self, func, args, kwargs, out):
        name = _func_name(func)
        inputs = list(_tensors((args, kwargs)))
        outputs = list(_tensors(out))
        self._keep += outputs  # ids of recorded tensors must stay unique while we hold them
        for t in outputs:
            if t.grad_fn is not None:
                self._name_new_nodes(t.grad_fn, name)
                if (t.grad_fn, t.output_nr) not in self.node_values:
                    self.node_values[(t.grad_fn, t.output_nr)] = _numpy(t)
                dead = [i for i in inputs if not i.requires_grad]
                if dead:
                    self.stopped_inputs.setdefault(t.grad_fn, dead)
            else:
                self._origin(t, name, func, inputs)
        for t in inputs:  # outputs of calls the mode does not see (a custom Function's)
            if t.grad_fn is not None and (t.grad_fn, t.output_nr) not in self.node_values:
                self._name_new_nodes(t.grad_fn, None)
                self.node_values[(t.grad_fn, t.output_nr)] = _numpy(t)

    def _origin(self, t, name, func, inputs):
        if id(t) in self.origins:
            return
        reason = self._reason(t, name, inputs)
        origin = Origin(self.unique(self.scope, name), self.scope, name, reason, _numpy(t), inputs, t)
        self.origins[id(t)] = origin

    def _reason(self, t, name, inputs):
        if not (t.is_floating_point() or t.is_complex()):
            return INTEGER
        if name in _DETACH:
            return DETACHED
        if not torch.is_grad_enabled():
            return NO_GRAD
        if any(i.requires_grad for i in inputs):
            return NOT_DIFFERENTIABLE
        known = [self.origins[id(i)].reason for i in inputs if id(i) in self.origins]
        return known[0] if known else NO_REQUIRES_GRAD

    def _name_new_nodes(self, node, op_name):
        """Name `node` and the unnamed nodes it reaches: all made by the current call."""
        stack = [(node, op_name)]
        while stack:
            current, name = stack.pop()
            if current is None or current in self.node_scope or _is_leaf_node(current):
                continue
            self.node_scope[current] = (self.scope, self.unique(self.scope, name or node_kind(current)))
            self._keep.append(current)
            stack.extend((fn, None) for fn, _ in current.next_functions)

    def unique(self, scope, name):
        counts = self._names.setdefault(scope, {})
        n = counts.get(name, 0)
        counts[name] = n + 1
        return name if n == 0 else f"{name}_{n}"

    # -- the backward pass -----------------------------------------------------------------------
    def trace_backward(self, loss, inputs=None, grad_output=None):
        """Run autograd's backward pass of `loss` with node hooks; returns a BackpropTrace.

        `inputs` default to the leaves of the graph that require grad (the model's parameters in
        their registration order first). `.grads` are what ``torch.autograd.grad`` returned.
        """
        if self.scopes:
            raise RuntimeError("trace_backward: the forward pass is still running")
        from .backward import trace_backward

        return trace_backward(loss, inputs, self.model, grad_output=grad_output, capture=self)


class _Recorder(TorchFunctionMode):
    def __init__(self, capture):
        super().__init__()
        self.capture = capture

    def __torch_function__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        if _is_tensor_call(out):
            self.capture.record(func, args, kwargs or {}, out)
        return out


def _is_tensor_call(out):
    if isinstance(out, torch.Tensor):
        return not isinstance(out, torch.nn.Parameter)  # attribute reads like module.weight
    return isinstance(out, tuple | list) and any(isinstance(o, torch.Tensor) for o in out)


def _tensors(obj):
    if isinstance(obj, torch.Tensor):
        yield obj
    elif isinstance(obj, tuple | list):
        for item in obj:
            yield from _tensors(item)
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from _tensors(item)


def _func_name(func):
    name = getattr(func, "__name__", None) or str(func)
    return name.strip("_") if name.startswith("__") else name


def node_kind(node):
    """ "addmm" for AddmmBackward0, the class name for a custom autograd.Function's node."""
    forward = getattr(node, "_forward_cls", None)
    if forward is not None:
        return forward.__name__
    return re.sub(r"Backward\d*$", "", node.name()).lower() or node.name()


def _is_leaf_node(node):
    return node.name() == "torch::autograd::AccumulateGrad"


def _numpy(t, copy=True):
    """The value as numpy, copied unless `copy=False` (a forward value may be changed in place
    later; a gradient autograd handed to a hook is not, while the hook's record holds it)."""
    t = t.detach()
    if t.dtype in (torch.bfloat16, torch.float16):
        t = t.float()
    array = t.cpu().numpy()
    return array.copy() if copy else array
