"""Classroom mode: what a backward step asks, the student's answers, and the score.

Plain Python, no widgets: a view (the Debugger) asks `Quiz.current(step)` which question is open,
hands what the student typed to `Quiz.check(step, text)`, and reads `Quiz.hidden(step, ...)` to
know which numbers to keep back. `step` is an index into `trace.steps`.

At each backward step the student predicts, one input edge at a time, the **contribution** the op
sends back along it (upstream grad × local derivative, broadcasting summed back), and, where the
last contribution to a tensor used several times arrives, its **accumulated** sum. A question is
settled by a right answer, or revealed after `attempts` wrong ones. After a miss the hint names the
rule at work, as the op declares it (`register_op(..., rule=, hint=)`): "× sends back the upstream
grad times the *other* input: 2 × y". Text that is not a number costs no attempt.

    quiz = Quiz(trace, attempts=2)
    quiz.check(3, "2.0")      # Feedback(ok=True, message="✓ Right: ...", question=...)
    quiz.score                # {"asked": 1, "correct": 1, "first_try": 1, "revealed": 0, ...}
"""

import ast
import operator
from dataclasses import dataclass

import numpy as np

from ..format import fmt_value as _fmt
from .model import Edge
from .model import short_name as _short
from .trace import BackpropTrace

FAN_OUT_RULE = "sum rule at a fan-out"
BROADCAST_RULE = "broadcasting summed back"
COUNTS = ("asked", "correct", "first_try", "revealed")


@dataclass
class Question:
    """One number to predict at a backward step."""

    step: int  # index into trace.steps
    kind: str  # "contribution" (along `edge`) or "accumulated" (the total of `tensor`)
    tensor: object  # the Tensor that receives the gradient
    edge: Edge | None
    target: np.ndarray
    rules: tuple  # the rules counted in score["by_rule"]
    hint: str
    attempts: int = 0
    state: str = "open"  # "open" | "correct" | "revealed"

    @property
    def settled(self):
        return self.state != "open"

    @property
    def input(self):
        """The name a student reads on the drawing: "x", or "mul_1:1" for a second output."""
        return _short(self.tensor)

    def describe(self):
        if self.kind == "accumulated":
            return f"the accumulated gradient of {self.input} (the sum of what reached it)"
        where = f"input {self.edge.index + 1} of {self.edge.dst.name}"
        return f"the contribution sent back to {self.input} ({where})"


@dataclass
class Feedback:
    """What `check` or `reveal` says: `ok` is True/False for a graded answer, None otherwise."""

    ok: bool | None
    message: str
    question: Question | None = None


class AnswerError(ValueError):
    """The text is not a number, or not a nested list of numbers of the right shape."""


class Quiz:
    """The questions of one backward pass and what the student answered (module docstring)."""

    def __init__(self, trace, attempts=2, hints=True, tolerance=0.01, step_offset=0):
        if not isinstance(trace, BackpropTrace):
            raise TypeError(f"Quiz needs a BackpropTrace, got {type(trace).__name__}")
        if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
            raise ValueError(f"attempts must be a whole number ≥ 1, got {attempts!r}")
        if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or not tolerance >= 0:
            raise ValueError(f"tolerance must be a relative tolerance ≥ 0, got {tolerance!r}")
        self.trace, self.attempts, self.hints = trace, attempts, bool(hints)
        self.tolerance, self.step_offset = float(tolerance), step_offset
        self.answers = []  # one record per graded answer (see `_record`)
        self._questions = {}  # step -> [Question], built when first visited
        self._score = _counts() | {"by_rule": {}}

    # -- questions --------------------------------------------------------------------------------
    def questions(self, step):
        """The questions of backward step `step`, in the order they are asked."""
        if step not in self._questions:
            self._questions[step] = _questions(self.trace, step)
        return self._questions[step]

    def current(self, step):
        """The open question asked now at `step` (None when there is none left)."""
        return next((q for q in self.questions(step) if not q.settled), None)

    def hidden(self, step, edge=None, tensor=None):
        """Is the contribution along `edge` (or the accumulated total of `tensor`) still to be
        predicted at `step`? Such a number is kept back in the drawing and the panel."""
        for q in self.questions(step):
            if not q.settled and (q.edge == edge if edge is not None else q.tensor is tensor):
                return True
        return False

    def retarget(self, trace):
        """New values (an input changed): the questions are asked again, the history is kept."""
        self.trace, self._questions = trace, {}

    @property
    def total(self):
        """How many questions the whole backward pass asks."""
        return sum(len(self.questions(i)) for i in range(len(self.trace.steps)))

    # -- answering --------------------------------------------------------------------------------
    def check(self, step, value, input=None):
        """Grade `value` (text, a number or a nested list) as the answer to the open question at
        `step` (or the one about `input`: an input index or a tensor name)."""
        q, why = self._select(step, input)
        if q is None:
            return Feedback(None, why)
        try:
            guess = parse_answer(value, np.shape(q.target))
        except AnswerError as err:
            return Feedback(None, f"{err} (this costs no attempt)", q)
        ok = self.close(guess, q.target)
        if q.settled:  # asked again about a settled question: answered, not counted
            return Feedback(ok, f"Already {q.state}: {q.describe()} is {_fmt(q.target)}.", q)
        q.attempts += 1
        self._record(q, guess, ok)
        if ok:
            self._settle(q, "correct")
            return Feedback(True, f"✓ Right: {q.describe()} is {_fmt(q.target)}.", q)
        miss = f"✗ {_fmt(guess)} is not {q.describe()}."
        if q.attempts >= self.attempts:
            self._settle(q, "revealed")
            rule = f" {q.hint}" if self.hints else ""
            return Feedback(False, f"{miss} It is {_fmt(q.target)}.{rule}", q)
        left = self.attempts - q.attempts
        tries = f"{left} more {'try' if left == 1 else 'tries'}"
        hint = f" Hint: {q.hint}" if self.hints else ""
        return Feedback(False, f"{miss}{hint} ({tries})", q)

    def reveal(self, step, input=None):
        """Show the answer of the open question at `step` without a (further) guess."""
        q, why = self._select(step, input)
        if q is None or q.settled:
            return Feedback(None, why or f"Already {q.state}.", q)
        if q.attempts == 0:
            self._count(q, "asked")
        self._settle(q, "revealed")
        return Feedback(None, f"Revealed: {q.describe()} is {_fmt(q.target)}. {q.hint}", q)

    def close(self, guess, target):
        """Within `tolerance` relative to each entry, entries far smaller than the largest one
        needing no more digits than it (10 % of the tolerance of the largest magnitude)."""
        target = np.asarray(target, dtype=np.float64)
        finite = np.abs(target[np.isfinite(target)])
        scale = float(finite.max()) if finite.size else 0.0
        atol = max(1e-6, 0.1 * self.tolerance * scale)
        guess = np.reshape(guess, target.shape)
        return bool(np.allclose(guess, target, rtol=self.tolerance, atol=atol, equal_nan=True))

    def _select(self, step, input):
        if step is None:
            return None, "Nothing to predict in the forward pass: the quiz asks at the backward steps."
        questions = self.questions(step)
        if not questions:
            return None, f"Nothing to predict at {_why_none(self.trace, step)}."
        if input is None:
            q = self.current(step)
            return q, None if q else "Every question at this step is answered: go on to the next step."
        matching = [q for q in questions if _matches(q, input)]
        if not matching:
            names = ", ".join(dict.fromkeys(q.input for q in questions))
            raise ValueError(f"input {input!r} is not asked at this step (asked: {names})")
        return next((q for q in matching if not q.settled), matching[-1]), None

    def _record(self, q, guess, ok):
        if q.attempts == 1:
            self._count(q, "asked")
        self.answers.append(
            {
                "step": self.step_offset + q.step + 1,
                "op": self.trace.steps[q.step].op.name,
                "input": q.input,
                "kind": q.kind,
                "value": np.asarray(guess).tolist(),
                "expected": np.asarray(q.target).tolist(),
                "correct": ok,
                "attempt": q.attempts,
                "rule": q.rules[0],
            }
        )

    def _settle(self, q, state):
        q.state = state
        self._count(q, state)
        if state == "correct" and q.attempts == 1:
            self._count(q, "first_try")

    def _count(self, q, what):
        self._score[what] += 1
        for rule in q.rules:
            self._score["by_rule"].setdefault(rule, _counts())[what] += 1

    # -- results ----------------------------------------------------------------------------------
    @property
    def score(self):
        """{"asked", "correct", "first_try", "revealed", "questions", "by_rule": {rule: counts}}"""
        score = {k: self._score[k] for k in COUNTS}
        score["questions"] = self.total
        score["by_rule"] = {rule: dict(c) for rule, c in sorted(self._score["by_rule"].items())}
        return score

    def to_dict(self):
        return {"score": self.score, "answers": [dict(a) for a in self.answers]}

    def summary(self):
        """The end-of-pass summary, one line per rule."""
        s = self.score
        skipped = s["questions"] - s["asked"]
        lines = [
            f"{s['correct']} of {s['asked']} answered right ({s['first_try']} at the first try), "
            f"{s['revealed']} revealed, {skipped} of {s['questions']} not answered"
        ]
        for rule, c in s["by_rule"].items():
            lines.append(f"{rule}: {c['correct']} of {c['asked']} right, {c['revealed']} revealed")
        return "\n".join(lines)


def _counts():
    return dict.fromkeys(COUNTS, 0)


def _matches(q, input):
    if isinstance(input, int) and not isinstance(input, bool):
        return q.edge is not None and q.edge.index == input
    return isinstance(input, str) and input in (q.input, q.tensor.name, q.tensor.op.name)


def _why_none(trace, step):
    s = trace.steps[step]
    if not s.edges:
        return f"{s.op.name}: it is one of the xs, its gradient is final"
    return f"{s.op.name}: no gradient flows back through its inputs"


# -- building the questions of a step -----------------------------------------------------------------
def _questions(trace, step):
    s = trace.steps[step]
    flowing = [es for es in s.edges if es.stopped is None and es.contribution is not None]
    asked = [_contribution(trace, s, es) for es in flowing]
    for t in dict.fromkeys(es.src for es in flowing):
        if trace.fan_in(t) > 1 and s.waiting.get(t) == 0:  # t's last contribution arrives here
            asked.append(_accumulated(trace, s, t))
    return asked


def _contribution(trace, s, es):
    op, label = s.op, trace.label(s.op)
    rule, template = trace.rule(op)  # as the op declares them; else the chain rule, generically
    rule = rule or f"chain rule through {label}"
    template = template or (
        "the chain rule: the upstream grad times {label}'s local derivative: {upstream} × {partial}"
    )
    others = [t for i, t in enumerate(op.inputs) if i != es.edge.index]
    fields = {
        "label": label,
        "input": _short(es.src),
        "other": trace.operand_name(others[0]) if len(others) == 1 else "the other inputs",
        "upstream": _fmt(s.upstream[0]),
        "partial": es.formula.rsplit(" = ", 1)[-1],
    }
    hint, rules = template.format(**fields), (rule,)
    if es.broadcast is not None:
        before, after, axes = es.broadcast
        hint += (
            f"; then broadcasting is undone: the {_shape(before)} result is summed over axes "
            f"{list(axes)} back to {fields['input']}'s shape {_shape(after)}"
        )
        rules += (BROADCAST_RULE,)
    return Question(s.index, "contribution", es.src, es.edge, np.asarray(es.contribution), rules, hint)


def _accumulated(trace, s, t):
    n = trace.fan_in(t)
    parts = [  # what reached t along its edges so far, in the order it arrived
        _fmt(es.contribution)
        for step in trace.steps[: s.index + 1]
        for es in step.edges
        if es.src is t and es.contribution is not None
    ]
    parts += ["its seed (grad_ys)"] * (n - len(parts))  # t is also one of the ys
    hint = (
        f"the sum rule at a fan-out: {_short(t)} is used {n} times, so its gradient is "
        f"the sum of the {n} contributions that reached it: " + " + ".join(parts)
    )
    return Question(s.index, "accumulated", t, None, np.asarray(trace.total(t)), (FAN_OUT_RULE,), hint)


# -- reading an answer --------------------------------------------------------------------------------
_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}


def parse_answer(value, shape=None):
    """A number or a nested list of numbers as a float64 array, from text ("2", "-0.5", "1/3",
    "[[0.88], [3.54]]") or from Python numbers. With `shape`, the answer must have it (a single
    number also answers a one-entry tensor). Raises AnswerError saying what is wrong."""
    if isinstance(value, str):
        value = _read(value)
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise AnswerError(f"{value!r} is not a number or a nested list of numbers") from None
    if shape is None or array.shape == tuple(shape):
        return array
    if array.size == 1 and int(np.prod(shape)) == 1:
        return array.reshape(shape)
    example = _example(shape)
    raise AnswerError(
        f"the answer has shape {_shape(shape)} and yours {_shape(array.shape)}: type it like {example}"
    )


def _read(text):
    text = text.strip()
    if not text:
        raise AnswerError("type a number first")
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return _evaluate(ast.parse(text, mode="eval").body)
    except (SyntaxError, ValueError, TypeError, ZeroDivisionError, RecursionError):
        raise AnswerError(f"{text!r} is not a number or a nested list of numbers") from None


def _evaluate(node):
    """Numbers, + − × ÷ of numbers, and lists of those: nothing else is run."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_evaluate(node.operand))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(left, list) or isinstance(right, list):
            raise ValueError("arithmetic on lists")
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.List | ast.Tuple):
        return [_evaluate(e) for e in node.elts]
    raise ValueError(f"not a number: {ast.dump(node)}")


def _example(shape):
    example = "1.5"
    for n in reversed(tuple(shape)):
        example = "[" + ", ".join([example] * min(n, 2)) + (", …]" if n > 2 else "]")
    return example


def _shape(shape):
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
