"""Helpers shared by the NaN search and the gradient check: find or build the GradientMap of
``gradients(ys, xs)`` and evaluate many tensors in one run."""

from ..engine.gradients import gradients
from ..engine.graph import ancestors, as_list, graph_of
from ..engine.ops.registry import op_def
from ..engine.validate import check_feed_dict, check_session, check_tensors, check_ys_xs
from . import pictures
from .trace import GraphTrace, gradient_tensors


def gradient_map_for(ys, xs):
    """The GradientMap of ``gradients(ys, xs)``: an earlier plain call's map (the optimizer's, for
    example) when there is one, so a check adds no second copy of the gradient ops; else a new one.

    >>> gmap = gradient_map_for(loss, [W, b]); gmap.order[0]   # the op gradients() started at
    """
    ys, xs = as_list(ys), as_list(xs)
    graph = graph_of(ys + xs)
    for gmap in reversed(graph.gradient_maps):
        if _same(gmap.ys, ys) and _same(gmap.xs, xs) and _plain(gmap):
            return gmap
    gradients(ys, xs)
    return graph.gradient_maps[-1]


def _same(a, b):
    return len(a) == len(b) and all(p is q for p, q in zip(a, b, strict=True))


def _plain(gmap):
    """Built with default seeds (ones) and nothing stopped on request."""
    return not gmap.stop_gradients and gmap.default_grad_ys


def execution_order(ys, gmap=None):
    """(forward ops, backward ops): the ops `ys` depend on in topological (creation) order, then
    the ops the backward pass adds, in the order gradients() built them."""
    forward = [op for op in ancestors(as_list(ys)) if op_def(op).has_value]
    if gmap is None:
        return forward, []
    seen = set(forward)
    backward = [op for op in ancestors(gradient_tensors(gmap, with_cut=True)) if op not in seen]
    return forward, backward


def check_call(ys, xs, feed_dict, session, xs_required=False):
    """The graph of a check's ys (and xs, if any), once ys, xs, feed_dict and session are valid."""
    if xs_required and (xs is None or not as_list(xs)):
        raise ValueError("xs: pass the tensor(s) whose gradients to check, e.g. xs=[W, b]")
    graph = check_ys_xs(ys, xs) if xs is not None and as_list(xs) else graph_of(check_tensors(ys, "ys"))
    check_session(session, graph)
    check_feed_dict(feed_dict, graph)
    return graph


def evaluate_ops(ops, feed_dict, session):
    """{tensor: value} for every output of `ops`, from one Session.run."""
    tensors = [t for op in ops for t in op.outputs]
    values = session.run(tensors, feed_dict)
    return dict(zip(tensors, values, strict=True))


def draw_highlighted(context, highlight, **kwargs):
    """The forward graph of a check's `context` (ys, feed_dict, session) with ops highlighted."""
    return pictures.render(
        "draw",
        context["ys"],
        feed_dict=context.get("feed_dict"),
        session=context.get("session"),
        highlight=highlight,
        **kwargs,
    )


def draw_graded(context, highlight, graded, **kwargs):
    """The backward drawing of a check's `context` (its gradient_map, feed_dict, session), with
    ops highlighted and `graded` edges ({Edge key: (ok, note)}) painted right or wrong."""
    trace = GraphTrace(context["gradient_map"], context.get("feed_dict"), context.get("session"))
    return pictures.render("draw_trace", trace, highlight=highlight, graded=graded, **kwargs)
