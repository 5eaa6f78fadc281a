"""The gradient exercise: a student's own gradient (custom_gradient, or RegisterGradient with a
gradient_override_map) graded edge by edge against finite differences, and painted on the
backward drawing: right edges green with ✓, the wrong one red with ✗ and its relative error."""

import re

import numpy as np
import pytest

import gradviz as gv

F32 = np.float32
T = np.array([0.5, 1.5, -2.0], F32)


@gv.RegisterGradient("GradingTestStudentSquare")  # right: d t²/dt = 2t
def _right_square(op, upstream_grad):
    return [upstream_grad * 2.0 * op.inputs[0]]


@gv.RegisterGradient("GradingTestStudentSquareWrong")  # wrong: 3t
def _wrong_square(op, upstream_grad):
    return [upstream_grad * 3.0 * op.inputs[0]]


@pytest.fixture(autouse=True)
def fresh_graph():
    with gv.Graph().as_default() as graph:
        yield graph


def model(square):
    """loss = Σ tanh(square(t) · w): the student's op between a placeholder and three ops."""
    t = gv.placeholder("float32", [3], name="t")
    w = gv.Variable(np.array([0.5, -1.0, 0.25], F32), name="w")
    loss = gv.reduce_sum(gv.tanh(gv.multiply(square(t), w, name="scaled")), name="loss")
    return loss, [t, w], {t: T}


def custom(factor):
    @gv.custom_gradient
    def student_square(t):
        return t * t, lambda upstream_grad: upstream_grad * factor * t

    return student_square


def overridden(gradient_name):
    def square(t):
        with gv.get_default_graph().gradient_override_map({"Square": gradient_name}):
            return gv.square(t, name="student_square")

    return square


def edge_statement(source, edge_id):
    (line,) = [line for line in _statements(source) if f"id={edge_id}" in line]
    return line


def _statements(source):
    """The edge statements of DOT source, each with its multi-line label."""
    statements = []
    for line in source.splitlines():
        if re.match(r"\s*[\w.]+ (->|\[)|\s*}", line):
            statements.append(line)
        elif statements:
            statements[-1] += "\n" + line
    return [st for st in statements if " -> " in st.split("[", 1)[0]]


def painted(source):
    """{edge id: "right" | "wrong"} for every edge the grader painted."""
    colors = {"#2e7d32": "right", "#c62828": "wrong"}
    found = {}
    for line in _statements(source):
        mark = re.search(r'color="(#2e7d32|#c62828)"', line)
        if mark and ("✓" in line or "✗" in line):
            found[re.search(r"id=(\w+)", line).group(1)] = colors[mark.group(1)]
    return found


EDGES = {  # the edges whose contribution is checked, by drawing id
    "e_n_t__n_student_square_0",
    "e_n_student_square__n_scaled_0",
    "e_n_w__n_scaled_1",
    "e_n_scaled__n_Tanh_0",
    "e_n_Tanh__n_loss_0",
}


@pytest.mark.parametrize("square", [custom(2.0), overridden("GradingTestStudentSquare")])
def test_a_correct_student_gradient_is_painted_right_everywhere(square):
    loss, xs, feed = model(square)
    report = gv.check_gradients(loss, xs, feed_dict=feed)
    assert report.ok and len(report.edges) == 5
    assert all(e.ok and e.compared == 3 and e.max_error < 1e-4 for e in report.edges)
    source = report.draw().source
    assert painted(source) == dict.fromkeys(EDGES, "right")
    assert "✗" not in source and "⚠" not in source
    assert "✓ rel. error" in edge_statement(source, "e_n_t__n_student_square_0")


@pytest.mark.parametrize(
    "square, kind",
    [(custom(3.0), "CustomGradient"), (overridden("GradingTestStudentSquareWrong"), "Square")],
)
def test_a_wrong_student_gradient_is_named_with_its_error_on_its_edge(square, kind):
    loss, xs, feed = model(square)
    report = gv.check_gradients(loss, xs, feed_dict=feed)
    (wrong,) = [e for e in report.edges if not e.ok]
    assert wrong.name == "t:0 → student_square" and wrong.edge.dst.type == kind
    assert wrong.max_error == pytest.approx(1 / 3, rel=1e-4)  # |3t − 2t| / |3t|
    flat, analytic, numeric = wrong.worst
    assert analytic == pytest.approx(1.5 * numeric, rel=1e-4)
    source = report.draw().source
    assert painted(source) == dict.fromkeys(EDGES, "right") | {"e_n_t__n_student_square_0": "wrong"}
    statement = edge_statement(source, "e_n_t__n_student_square_0")
    assert "✗ wrong: rel. error 0.3333" in statement and "penwidth=3.5" in statement
    # the student's own numbers are on the edge: 3t · upstream, as gradients() computed them
    grads = gv.trace_backward(loss, xs, feed).grads
    assert f"∇ [{', '.join(gv.viz.theme.fmt_number(v) for v in grads[0])}]" in statement
    assert source.count("✗ wrong") == 1
    assert "wrong gradient (relative error)" in source  # the legend explains the colours


def test_edges_downstream_of_a_wrong_gradient_are_still_right():
    # a wrong gradient early in the backward pass changes the numbers that reach t, but each op is
    # checked alone, with a fixed upstream grad: only the student's own edge is wrong
    loss, xs, feed = model(custom(3.0))
    report = gv.check_gradients(loss, xs, feed_dict=feed)
    assert [c.name for c in report.failures] == ["student_square"]
    assert [e.name for e in report.edges if e.ok] == [
        "student_square:0 → scaled",
        "w:0 → scaled",
        "scaled:0 → Tanh",
        "Tanh:0 → loss",
    ]
