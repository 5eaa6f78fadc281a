"""Session: runs a graph with numpy, each (fetches, feeds) set compiled once into a plan.

A plan is a small Python function generated from the needed ops in topological order,
``t3 = k3(t1, t2)`` per op, so a repeated `run` costs the numpy kernels plus a few dozen
nanoseconds per op: no graph walking, no dict lookups by name (the first run interprets the same
program: see Plan). Values that depend on no feed and no variable (constants and what follows
from __future__ import annotations

from them) are folded once when the plan is built, and so are ops that only read the static
shape of their input (ZerosLike, BroadcastLike ...) once that shape is fully known.
"""

import functools
import operator
import threading
from typing import Any

import numpy as np

from . import dtypes
from .errors import InvalidArgumentError, OpError
from .graph import Graph, Operation, Tensor, get_default_graph, walk
from .hints import FeedDict, Fetches
from .ops.registry import GROUP, OPS, PLACEHOLDER
from .validate import check_graph

_local = threading.local()


class Session:
    """``with gv.Session() as sess: sess.run(cost, feed_dict={X: x})``.

    Holds variable values (TensorFlow keeps them in the session too) and the compiled plans.
    """

    def __init__(self, graph: Graph | None = None, target: str = "", config: Any = None) -> None:
        self.graph = check_graph(graph) if graph is not None else get_default_graph()
        self._state = {}  # variable op name -> numpy value
        self._plans = {}  # (fetched elements, fed tensors) -> Plan
        self._calls = {}  # _call_key(fetches, feed_dict) -> (Plan, rebuild)
        self._closed = False

    # -- context management (a `with` block makes this the default session) --------------------
    def __enter__(self):
        _session_stack().append(self)
        self._graph_ctx = self.graph.as_default()
        self._graph_ctx.__enter__()
        return self

    def __exit__(self, *exc):
        self._graph_ctx.__exit__(*exc)
        _session_stack().remove(self)
        self.close()

    def as_default(self):
        return _DefaultSession(self)

    def close(self) -> None:
        self._closed = True

    # -- running ------------------------------------------------------------------------------
    def run(
        self, fetches: Fetches, feed_dict: FeedDict = None, options: Any = None, run_metadata: Any = None
    ) -> Any:
        """Evaluate `fetches` (a Tensor, Operation, name, or nested list/tuple/dict of them).

        Tensors come back as numpy arrays (numpy scalars for shape ()), Operations as None.
        """
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        if feed_dict is not None and not isinstance(feed_dict, dict):
            feed_dict = _as_feed_dict(feed_dict)
        plan, rebuild = self._plan_for(fetches, feed_dict)
        arrays = [] if not feed_dict else plan.check_feeds(feed_dict.values())
        pending = {}
        with np.errstate(all="ignore"):  # NaN/Inf are values to inspect, as in TensorFlow
            values = plan.run(arrays, self._state, pending)
        self._state.update(pending)  # commit assignments only after the whole run succeeded
        return rebuild(values)

    def _plan_for(self, fetches, feed_dict):
        """The plan and result rebuilder of a call. A call repeated with the same Tensor and
        Operation objects (a training loop) finds them by those objects, without resolving
        anything again; names and nested structures take the full path every time."""
        key = _call_key(fetches, feed_dict)
        try:
            found = self._calls.get(key)
        except TypeError:  # a nested list or a dict: not hashable, resolved every time
            key = found = None
        if found is None:
            flat, rebuild = _flatten(fetches)
            elements = [self._element(f) for f in flat]
            fed = [] if not feed_dict else [self._feed_target(k) for k in feed_dict]
            plan_key = (tuple(elements), tuple(fed))
            plan = self._plans.get(plan_key)
            if plan is None:
                plan = self._plans[plan_key] = Plan(self.graph, elements, fed)
            found = (plan, rebuild)
            if key is not None and _all_objects(flat, feed_dict or ()):
                self._calls[key] = found
        return found

    def _element(self, fetch):
        """TensorFlow's words: a fetch of the wrong kind is a TypeError, a name or tensor that is
        not in this graph a ValueError."""
        if isinstance(fetch, Tensor | Operation) and fetch.graph is self.graph:
            return fetch
        if isinstance(fetch, Tensor | Operation):
            raise ValueError(
                f"Fetch argument '{fetch.name}' cannot be interpreted as a Tensor: it is not an "
                "element of this session's graph."
            )
        if not isinstance(fetch, str):
            raise TypeError(
                f"Fetch argument {fetch!r} has invalid type {type(fetch).__name__}, must be a "
                "string or Tensor (or a list, tuple or dict of them)."
            )
        try:
            return self.graph.as_graph_element(fetch)
        except (KeyError, ValueError) as err:
            raise ValueError(
                f"Fetch argument {fetch!r} cannot be interpreted as a Tensor. ({err.args[0]})"
            ) from None

    def _feed_target(self, key):
        if isinstance(key, Tensor) and key.graph is self.graph:
            return key
        try:
            target = self._element(key)
        except (TypeError, ValueError) as err:
            message = str(err).replace("Fetch argument", "the key", 1)
            raise TypeError(f"Cannot interpret feed_dict key as Tensor: {message}") from None
        if not isinstance(target, Tensor):
            raise TypeError(
                f"Cannot interpret feed_dict key as Tensor: '{target.name}' is an Operation; "
                "feed one of its outputs."
            )
        return target

    def load_variable(self, variable, value):
        array = np.array(_feed_array(variable, value))  # a copy: the caller's array stays theirs
        self._state[variable.op.name] = array

    def variable_values(self):
        """A copy of every initialized variable's value, by variable name."""
        # (Random ops keep their generators here too, under tuple keys: not variables.)
        return {name: np.copy(v) for name, v in self._state.items() if isinstance(name, str)}

    def __repr__(self):
        return f"<gradviz.Session on {self.graph!r}>"


class InteractiveSession(Session):
    """A Session that installs itself as the default, so ``tensor.eval()`` works anywhere."""

    def __init__(self, graph: Graph | None = None, target: str = "", config: Any = None) -> None:
        super().__init__(graph, target, config)
        _local.interactive = self

    def close(self):
        super().close()
        if getattr(_local, "interactive", None) is self:
            _local.interactive = None


class _DefaultSession:
    def __init__(self, session):
        self.session = session

    def __enter__(self):
        _session_stack().append(self.session)
        return self.session

    def __exit__(self, *exc):
        _session_stack().remove(self.session)


def _session_stack():
    if not hasattr(_local, "stack"):
        _local.stack = []
    return _local.stack


def get_default_session() -> Session | None:
    stack = _session_stack()
    return stack[-1] if stack else getattr(_local, "interactive", None)


def session_for(graph, session=None, element=None):
    """The one session resolver: `session` (it must run `graph`), else the default session if it
    runs `graph`. Beyond that, `element.eval()` and `op.run()` (an `element` given) fail as
    TensorFlow's do; the debugger (no `element`) gets a new Session with the variables initialized
    by their own initializer ops (no `init` op is added to the graph per call).
    """
    if session is not None and not isinstance(session, Session):
        raise TypeError(
            f"session must be a gv.Session or None, got {type(session).__name__} {session!r:.60}"
        )
    if element is not None:
        session = session if session is not None else get_default_session()
        if session is None:
            raise ValueError(
                f"Cannot evaluate '{element.name}': no default session is registered. "
                "Use `with gv.Session() as sess:` or gv.InteractiveSession()."
            )
        if session.graph is not graph:
            raise ValueError(f"'{element.name}' is not in the graph of the default session.")
        return session
    if session is not None and session.graph is not graph:
        raise ValueError("session runs another graph than the one of ys and xs")
    session = session if session is not None else get_default_session()
    if session is not None and session.graph is graph:
        return session
    session = Session(graph)
    initializers = [v.initializer for v in graph.get_collection("variables")]
    if initializers:
        session.run(initializers)
    return session


def _as_feed_dict(feed_dict):
    """A dict from any mapping; anything else (a set, a list) is a TypeError naming feed_dict."""
    from collections.abc import Mapping

    if isinstance(feed_dict, Mapping):
        return dict(feed_dict)
    raise TypeError(
        f"feed_dict must be a dict {{placeholder: value}}, got {type(feed_dict).__name__}: "
        f"{feed_dict!r:.60}"
    )


def _feed_array(tensor, value):
    """`value` cast to the tensor's dtype and checked against its static shape."""
    if isinstance(value, Tensor | Operation):
        raise TypeError(
            f"The value of a feed cannot be a Tensor ('{value.name}' fed for '{tensor.name}'): "
            "feed numpy arrays, lists or numbers"
        )
    array = dtypes.to_array(value, tensor.dtype, f"Cannot feed the value for Tensor '{tensor.name}'")
    if not tensor.shape.is_compatible_with(array.shape):
        raise ValueError(
            f"Cannot feed value of shape {array.shape} for Tensor '{tensor.name}', "
            f"which has shape '{tensor.shape}'"
        )
    return array


def _call_key(fetches, feed_dict):
    """The fetch and feed objects of a call as one key (unhashable for nested fetches).
    Tensors and Operations hash by identity, so equal keys mean the very same objects."""
    kind = type(fetches)
    fetch_key = (kind, *fetches) if kind is list or kind is tuple else fetches
    return (fetch_key, tuple(feed_dict) if feed_dict else ())


def _all_objects(fetches, feed_keys):
    """True if the call names no element by a string: a name could come to mean another op after
    a rolled-back build reuses it, an object cannot."""
    return all(isinstance(f, Tensor | Operation) for f in fetches) and all(
        isinstance(k, Tensor) for k in feed_keys
    )


def _flatten(fetches):
    """Flat list of fetch elements and a function that rebuilds the nested structure."""
    if isinstance(fetches, list | tuple):
        if not any(isinstance(f, list | tuple | dict) for f in fetches):
            return list(fetches), _sequence(fetches)  # flat: the common case, rebuilt by one call
        parts = [_flatten(f) for f in fetches]
        return _join(parts, _sequence(fetches))
    if isinstance(fetches, dict):
        keys = list(fetches)
        parts = [_flatten(fetches[k]) for k in keys]
        return _join(parts, lambda vals: type(fetches)(zip(keys, vals, strict=True)))
    return [fetches], _first


def _sequence(fetches):
    """The constructor that rebuilds a list, tuple or namedtuple from its values."""
    kind = type(fetches)
    return (lambda values: kind(*values)) if hasattr(kind, "_fields") else kind


def _first(values):
    return values[0]


def _join(parts, build):
    flat, bounds = [], []
    for items, _ in parts:
        bounds.append((len(flat), len(flat) + len(items)))
        flat.extend(items)

    def rebuild(values):
        return build([sub(values[a:b]) for (a, b), (_, sub) in zip(bounds, parts, strict=True)])

    return flat, rebuild


class Plan:
    """The compiled form of one fetch/feed set: the needed ops as one straight-line program.

    The first run interprets the program; the second compiles it into a Python function, used
    from then on. Compiling costs about 10 µs per op, far more than interpreting the program
    once, and many fetch sets run only once (a trace, an `eval`); one that runs twice is
    likely to run many times (a training loop).
    """

    def __init__(self, graph, elements, fed):
        self.fed = fed
        self.feed_shapes = [t.shape for t in fed]
        ops = _needed_ops(elements, set(fed))
        _require_fed(ops, fed)
        self.ops = ops
        folded = _fold_constants(ops, set(fed))
        self.program = _Program(ops, fed, folded, elements)
        self.function = None  # the compiled program, from the second run on
        self._runs = 0

    def run(self, feeds, state, pending):
        if self.function is None:
            self._runs += 1
            if self._runs == 1:
                return self.program.interpret(feeds, state, pending)
            self.function = self.program.compile()
        try:
            return self.function(feeds, state, pending)
        except OpError:
            raise
        except Exception:  # noqa: BLE001  (re-run op by op, which names the op that failed)
            pending.clear()
            return self.program.interpret(feeds, state, pending)

    def check_feeds(self, values):
        out = []
        for tensor, value in zip(self.fed, values, strict=True):
            if (
                type(value) is np.ndarray
                and value.dtype == tensor.dtype
                and (value.shape == tensor.shape.dims or tensor.shape.is_compatible_with(value.shape))
            ):
                out.append(value)  # the common case, checked without conversion
            else:
                out.append(_feed_array(tensor, value))
        return out


def _needed_ops(elements, fed):
    """Ops the fetches depend on (through inputs and control inputs), stopping at fed tensors,
    in creation order, which is topological."""
    # A fetched tensor that is also fed needs nothing computed (TensorFlow returns the feed).
    start = [e.op if isinstance(e, Tensor) else e for e in elements if e not in fed]
    needed = walk(start, lambda op: [t.op for t in op.inputs if t not in fed] + list(op.control_inputs))
    return sorted(needed, key=operator.attrgetter("index"))


def _require_fed(ops, fed):
    fed_ops = {t.op for t in fed}
    for op in ops:
        if OPS[op.type].role == PLACEHOLDER and op not in fed_ops:
            t = op.outputs[0]
            raise InvalidArgumentError(
                f"You must feed a value for placeholder tensor '{op.name}' with dtype "
                f"{t.dtype.name} and shape {t.shape}",
                op,
            )


_FOLD_LIMIT = 4096  # elements: bigger intermediate results are not kept for a plan's lifetime


def _fold_constants(ops, fed):
    """Values of tensors that depend on no feed, variable or stateful op, computed once.

    An input an op reads only the shape of (`OpDef.shape_only`: ZerosLike's x, BroadcastLike's
    `like`) is known once its static shape is: the op folds even when that input is computed.
    """
    folded = {}
    with np.errstate(all="ignore"):
        for op in ops:
            opdef = OPS[op.type]
            if opdef.stateful or opdef.role in (PLACEHOLDER, GROUP) or op.control_inputs:
                continue
            args = _known_args(opdef, op.inputs, folded, fed)
            if args is None:
                continue
            kernel = functools.partial(opdef.forward, **op.attrs) if op.attrs else opdef.forward
            result = _call_kernel(op, kernel, args)  # a failure names the op, as at run time
            for t, value in zip(op.outputs, _as_outputs(opdef, result), strict=True):
                folded[t] = value
    return folded


def _known_args(opdef, inputs, folded, fed):
    """The values an op's inputs have in every run (a stand-in of the right shape and dtype for
    a shape-only input), or None if some input is not known."""
    args = []
    for index, tensor in enumerate(inputs):
        if tensor in folded and tensor not in fed:
            value = folded[tensor]
            if np.size(value) > _FOLD_LIMIT:
                return None
        elif index in opdef.shape_only and _small_and_known(tensor.shape):
            value = np.zeros(tensor.shape.dims, tensor.dtype)
        else:
            return None
        args.append(value)
    return args


def _small_and_known(shape):
    return shape.is_fully_defined() and shape.num_elements() <= _FOLD_LIMIT


def _as_outputs(opdef, result):
    if opdef.num_outputs is None:  # as many as the op made (one output: the value itself)
        return result if isinstance(result, list) else (result,)
    return (result,) if opdef.num_outputs == 1 else result


_FREE_MIN = 1024  # elements: smaller computed values are not deleted early (see _Program.frees)


class _Program:
    """A plan's ops as straight-line code, one line ``t3 = k2(t1, c0)`` per op that is not
    folded: `lines` of (output names, kernel name, argument names). `env` binds the kernels
    (k), folded values (c) and fetch conversions (r); feeds are t names too.

    `frees[i]` names the computed values that line i reads last: they are deleted right after
    it, so numpy reuses their memory, still in cache, for the next results (5% of an MLP step).
    Fetched values stay, and so do small ones, where a `del` costs more than it saves.
    """

    def __init__(self, ops, fed, folded, elements):
        self.env, self.lines, self.names = {}, [], {}
        self.line_ops = []  # the op of each line, to name it when its kernel fails
        self.kernels = {}  # forward function -> its k name: one binding per op type
        self.big = set()  # names of computed values of _FREE_MIN elements or more (or unknown)
        self.feed_names = [self._local(t) for t in fed]
        for op in ops:
            if _all_in(op.outputs, self.names):
                continue  # fed
            if _all_in(op.outputs, folded):
                for t in op.outputs:
                    self.names[t] = self._bind("c", _constant(folded[t]))
                continue
            self._add_line(op)
        # A fed fetch returns the caller's own array unless copied, as a folded one the plan's.
        self.results = [self._result(e, e in folded or e in fed) for e in elements]
        self.frees = self._last_reads()

    def _add_line(self, op):
        opdef = OPS[op.type]
        if op.attrs:
            kernel = self._bind("k", functools.partial(opdef.forward, **op.attrs))
        else:
            kernel = self.kernels.get(opdef.forward)
            if kernel is None:
                kernel = self.kernels[opdef.forward] = self._bind("k", opdef.forward)
        names = self.names
        args = tuple(names[t] for t in op.inputs)
        if opdef.stateful:
            args = ("state", "pending", *args)
        # Tuples of names: the garbage collector stops tracking them after one look.
        self.lines.append((tuple(self._local(t) for t in op.outputs), kernel, args))
        self.line_ops.append(op)
        self.big.update(self.names[t] for t in op.outputs if _maybe_big(t))

    def _last_reads(self):
        fetched = {r[1] for r in self.results if r is not None}
        last = {}  # name -> index of the last line that defines or reads it
        for i, (outs, _, args) in enumerate(self.lines):
            for name in (*outs, *args):
                last[name] = i
        frees = [[] for _ in self.lines]
        for name, i in last.items():
            if name in self.big and name not in fetched:
                frees[i].append(name)
        return [tuple(names) for names in frees]

    def _local(self, tensor):
        name = self.names[tensor] = f"t{len(self.names)}"
        return name

    def _bind(self, prefix, value):
        name = f"{prefix}{len(self.env)}"
        self.env[name] = value
        return name

    def _result(self, element, folded):
        """The expression a fetch returns: its value converted as TensorFlow returns it."""
        if isinstance(element, Operation):
            return None
        # A folded value is shared by every run, and an aliasing op's output may be a constant's
        # or a variable's own array: the caller gets a copy, so editing it changes nothing here.
        aliasing = folded or OPS[element.op.type].aliasing
        return self._bind("r", functools.partial(_fetched, element.dtype, aliasing)), self.names[element]

    def interpret(self, feeds, state, pending):
        env = {**self.env, "state": state, "pending": pending}
        env.update(zip(self.feed_names, feeds, strict=True))
        for (outs, kernel, args), frees, op in zip(self.lines, self.frees, self.line_ops, strict=True):
            result = _call_kernel(op, env[kernel], [env[a] for a in args])
            if len(outs) == 1:
                env[outs[0]] = result
            else:
                env.update(zip(outs, result, strict=True))
            for name in frees:
                del env[name]
        return [None if r is None else env[r[0]](env[r[1]]) for r in self.results]

    def compile(self):
        """The program as a Python function; `env` is its globals (compiles faster than binding
        thousands of default arguments, and runs as fast)."""
        lines = [f"    {name} = feeds[{i}]" for i, name in enumerate(self.feed_names)]
        for (outs, k, args), frees in zip(self.lines, self.frees, strict=True):
            lines.append(f"    {', '.join(outs)} = {k}({', '.join(args)})")
            if frees:
                lines.append(f"    del {', '.join(frees)}")
        results = ", ".join("None" if r is None else f"{r[0]}({r[1]})" for r in self.results)
        source = "def plan(feeds, state, pending):\n" + "\n".join([*lines, f"    return [{results}]\n"])
        namespace = dict(self.env)
        exec(compile(source, "<gradviz plan>", "exec"), namespace)  # noqa: S102
        function = namespace["plan"]
        function.source = source
        return function


def _maybe_big(tensor):
    size = tensor.shape.num_elements()
    return size is None or size >= _FREE_MIN


def _all_in(tensors, mapping):
    for t in tensors:  # (a loop: all() over a generator costs twice as much for one output)
        if t not in mapping:
            return False
    return True


def _constant(value):
    """A folded value as the program binds it: 0-d arrays as numpy scalars, on which numpy's
    arithmetic is several times faster (same values and dtypes)."""
    if type(value) is np.ndarray and value.ndim == 0:
        return value[()]
    return value


def _fetched(dtype, aliasing, value):
    """A fetched value as TensorFlow returns it: numpy scalar for shape (), else an array."""
    if type(value) is not np.ndarray:
        return dtype.type(value)
    if value.ndim == 0:
        return value[()].astype(dtype, copy=False) if value.dtype != dtype else value[()]
    if aliasing:
        return value.astype(dtype, copy=True)
    return value if value.dtype == dtype else value.astype(dtype)


def _call_kernel(op, kernel, args):
    """Run one op's kernel; a numpy error becomes an InvalidArgumentError naming the op."""
    try:
        return kernel(*args)
    except OpError:
        raise
    except (ValueError, TypeError, IndexError) as err:
        shapes = ", ".join(str(np.shape(a)) for a in args if not isinstance(a, dict))
        raise InvalidArgumentError(
            f"{op.type} op '{op.name}' failed on inputs of shapes [{shapes}]: {err}", op
        ) from err
