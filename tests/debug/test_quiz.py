"""The classroom quiz in plain Python (no widgets): which questions a backward step asks, how an
answer is read and graded, attempts, hints naming the rule, and the score and answer records."""

import numpy as np
import pytest

import gradviz as gv
from gradviz.debug.quiz import AnswerError, Quiz, parse_answer
from tests.viz.examples import linreg, xy_plus_sin_x

X, Y = 1.5, 2.0


@pytest.fixture
def fan_out():
    """f = x·y + sin(x): x is used twice (the notebook-3 function)."""
    f, xs, feed = xy_plus_sin_x(X, Y)
    return gv.trace_backward(f, xs, feed)


def step(trace, name):
    return next(s.index for s in trace.steps if s.op.name == name)


def asked(quiz, trace, name):
    return [(q.kind, q.input, float(q.target), q.rules) for q in quiz.questions(step(trace, name))]


def test_one_question_per_contribution_and_the_sum_at_the_fan_out(fan_out):
    quiz = Quiz(fan_out)
    assert asked(quiz, fan_out, "f") == [
        ("contribution", "xy", 1.0, ("sum rule",)),
        ("contribution", "sin_x", 1.0, ("sum rule",)),
    ]
    assert asked(quiz, fan_out, "xy") == [
        ("contribution", "x", Y, ("product rule",)),
        ("contribution", "y", X, ("product rule",)),
    ]
    # x's last contribution arrives at sin_x: then its accumulated sum y + cos x is asked too
    assert asked(quiz, fan_out, "sin_x") == [
        ("contribution", "x", pytest.approx(np.cos(X)), ("chain rule through sin",)),
        ("accumulated", "x", pytest.approx(Y + np.cos(X)), ("sum rule at a fan-out",)),
    ]
    assert quiz.questions(step(fan_out, "x")) == [] and quiz.questions(step(fan_out, "y")) == []
    assert quiz.total == 6


def test_hints_name_the_rule_with_the_ops_own_inputs(fan_out):
    quiz = Quiz(fan_out)
    xy, sin_x, f = (quiz.questions(step(fan_out, n)) for n in ("xy", "sin_x", "f"))
    assert xy[0].hint == "× sends back the upstream grad times the *other* input: 1 × y"
    assert xy[1].hint == "× sends back the upstream grad times the *other* input: 1 × x"
    assert f[0].hint == "+ passes the upstream grad back unchanged to each input: 1 × 1"
    assert sin_x[0].hint == (
        "the chain rule: the upstream grad times sin's local derivative: 1 × cos(x)"
    )
    assert sin_x[1].hint == (
        "the sum rule at a fan-out: x is used 2 times, so its gradient is the sum of the "
        "2 contributions that reached it: 2 + 0.07074"
    )


def test_broadcasting_summed_back_is_named_and_counted():
    ex = linreg()  # mul = X · W with X of shape (2, 1) and a scalar W: summed over both axes
    quiz = Quiz(gv.trace_backward(ex.cost, [ex.W, ex.b], ex.feed))
    mul = quiz.questions(step(quiz.trace, "mul"))
    to_w = next(q for q in mul if q.input == "W")
    assert to_w.rules == ("product rule", "broadcasting summed back")
    assert to_w.hint == (
        "× sends back the upstream grad times the *other* input: [[0.8763], [3.541]] × X; then "
        "broadcasting is undone: the (2, 1) result is summed over axes [0, 1] back to W's shape ()"
    )
    assert quiz.check(to_w.step, "12.4", "W").ok is True
    assert quiz.score["by_rule"]["broadcasting summed back"]["correct"] == 1


def test_wrong_then_hint_then_right(fan_out):
    quiz, k = Quiz(fan_out), step(fan_out, "xy")
    miss = quiz.check(k, "1.5")  # x's value, not y's
    assert miss.ok is False and miss.question.input == "x" and miss.question.state == "open"
    assert miss.message.startswith("✗ 1.5 is not the contribution sent back to x")
    assert "Hint: × sends back the upstream grad times the *other* input: 1 × y" in miss.message
    assert "(1 more try)" in miss.message
    assert quiz.hidden(k, edge=miss.question.edge)
    right = quiz.check(k, "2")
    assert right.ok is True and right.question.state == "correct"
    assert not quiz.hidden(k, edge=right.question.edge)
    assert quiz.current(k).input == "y"  # the second input is asked separately


def test_attempts_reached_then_revealed(fan_out):
    quiz, k = Quiz(fan_out, attempts=3), step(fan_out, "sin_x")
    for n, text in enumerate(("1", "0.5"), start=1):
        assert quiz.check(k, text).ok is False and quiz.current(k).attempts == n
    last = quiz.check(k, "-1")
    assert last.ok is False and last.question.state == "revealed"
    assert "It is 0.07074" in last.message and "chain rule" in last.message
    assert quiz.current(k).kind == "accumulated"
    assert quiz.score == {
        "asked": 1,
        "correct": 0,
        "first_try": 0,
        "revealed": 1,
        "questions": 6,
        "by_rule": {"chain rule through sin": {"asked": 1, "correct": 0, "first_try": 0, "revealed": 1}},
    }


def test_hints_off_says_no_rule(fan_out):
    quiz, k = Quiz(fan_out, hints=False), step(fan_out, "xy")
    miss = quiz.check(k, "5")
    assert "Hint" not in miss.message and "×" not in miss.message and "(1 more try)" in miss.message


def test_text_that_is_not_a_number_costs_no_attempt(fan_out):
    quiz, k = Quiz(fan_out), step(fan_out, "xy")
    for text in ("two", "", "[1, 'a']", "__import__('os')", "True", "[[1, 2], [3]]"):
        feedback = quiz.check(k, text)
        assert feedback.ok is None and "costs no attempt" in feedback.message, text
    assert quiz.current(k).attempts == 0 and quiz.answers == []
    assert quiz.score["asked"] == 0


def test_answers_of_the_wrong_shape_cost_no_attempt():
    ex = linreg()
    quiz = Quiz(gv.trace_backward(ex.cost, [ex.W, ex.b], ex.feed))
    k = step(quiz.trace, "add")  # the contribution to mul is a (2, 1) column
    feedback = quiz.check(k, "[0.88, 3.54]")
    assert feedback.ok is None
    assert "shape (2, 1) and yours (2,): type it like [[1.5], [1.5]]" in feedback.message
    assert quiz.check(k, "[[0.88], [3.54]]").ok is True


def test_parse_answer_reads_numbers_lists_and_simple_arithmetic():
    assert parse_answer("2") == 2.0 and parse_answer(" -1e-3 ") == -0.001
    assert parse_answer("1/4") == 0.25 and parse_answer("2*0.5 + 1") == 2.0
    np.testing.assert_array_equal(parse_answer("[[1, 2], [3, 4.5]]"), [[1, 2], [3, 4.5]])
    np.testing.assert_array_equal(parse_answer([1, 2], (2,)), [1.0, 2.0])
    assert parse_answer(7, (1, 1)).shape == (1, 1)  # one number answers a one-entry tensor
    for bad in ("x", "1/0", "[1] * 3", "2 ** 1000 ** 1000", "{1: 2}"):
        with pytest.raises(AnswerError):
            parse_answer(bad)


def test_tolerance_is_relative_and_small_entries_need_few_digits(fan_out):
    quiz = Quiz(fan_out, tolerance=0.01)
    assert quiz.close(2.019, 2.0) and not quiz.close(2.03, 2.0)
    assert quiz.close([5.0, 0.0], [5.0, 0.0012])  # 0.0012 beside 5 needs no digits of its own
    assert not quiz.close([5.0, 0.0], [5.0, 0.1])
    assert Quiz(fan_out, tolerance=0.1).close(2.15, 2.0)


def test_nothing_to_predict_says_why(fan_out):
    quiz = Quiz(fan_out)
    assert quiz.check(None, "1").ok is None
    assert "forward pass" in quiz.check(None, "1").message
    at_x = quiz.check(step(fan_out, "x"), "1")
    assert at_x.ok is None and "x: it is one of the xs, its gradient is final" in at_x.message
    k = step(fan_out, "f")
    quiz.check(k, "1"), quiz.check(k, "1")
    done = quiz.check(k, "1")
    assert done.ok is None and "Every question at this step is answered" in done.message


def test_input_names_or_indexes_the_question(fan_out):
    quiz, k = Quiz(fan_out), step(fan_out, "xy")
    assert quiz.check(k, "1.5", input="y").ok is True  # y answered before x
    assert quiz.current(k).input == "x"
    assert quiz.check(k, "2", input=0).ok is True
    again = quiz.check(k, "2", input="x")  # settled: graded, not counted again
    assert again.ok is True and again.message.startswith("Already correct")
    assert quiz.score["asked"] == 2 and len(quiz.answers) == 2
    with pytest.raises(ValueError, match="input 'z' is not asked at this step"):
        quiz.check(k, "1", input="z")


def test_score_and_answers_record_everything_and_export(fan_out):
    quiz = Quiz(fan_out, attempts=2, step_offset=3)
    plan = {"f": ["1", "1"], "xy": ["1.5", "2", "1.5"], "sin_x": ["0", "0.1"]}
    for name, texts in plan.items():
        for text in texts:
            quiz.check(step(fan_out, name), text)
    quiz.reveal(step(fan_out, "sin_x"))  # the fan-out sum, shown without a guess
    assert quiz.score == {
        "asked": 6,
        "correct": 4,
        "first_try": 3,
        "revealed": 2,
        "questions": 6,
        "by_rule": {
            "chain rule through sin": {"asked": 1, "correct": 0, "first_try": 0, "revealed": 1},
            "product rule": {"asked": 2, "correct": 2, "first_try": 1, "revealed": 0},
            "sum rule": {"asked": 2, "correct": 2, "first_try": 2, "revealed": 0},
            "sum rule at a fan-out": {"asked": 1, "correct": 0, "first_try": 0, "revealed": 1},
        },
    }
    assert [
        (a["step"], a["op"], a["input"], a["value"], a["correct"], a["attempt"]) for a in quiz.answers
    ] == [
        (4, "f", "xy", 1.0, True, 1),
        (4, "f", "sin_x", 1.0, True, 1),
        (5, "xy", "x", 1.5, False, 1),
        (5, "xy", "x", 2.0, True, 2),
        (5, "xy", "y", 1.5, True, 1),
        (6, "sin_x", "x", 0.0, False, 1),
        (6, "sin_x", "x", 0.1, False, 2),
    ]
    exported = quiz.to_dict()
    assert exported["score"] == quiz.score and exported["answers"] == quiz.answers
    exported["answers"][0]["value"] = 99  # a copy: the quiz keeps its records
    assert quiz.answers[0]["value"] == 1.0
    assert quiz.summary().splitlines()[0] == (
        "4 of 6 answered right (3 at the first try), 2 revealed, 0 of 6 not answered"
    )


def test_retarget_asks_again_with_the_new_values_and_keeps_the_history(fan_out):
    quiz, k = Quiz(fan_out), step(fan_out, "xy")
    quiz.check(k, "2")
    with fan_out.graph.as_default():
        x, y = fan_out.xs
    quiz.retarget(fan_out.recompute({x: X, y: 5.0}))
    assert quiz.current(k).input == "x" and float(quiz.current(k).target) == 5.0
    assert quiz.score["correct"] == 1 and len(quiz.answers) == 1


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_bad_attempts_are_refused(fan_out, bad):
    with pytest.raises(ValueError, match="attempts must be a whole number"):
        Quiz(fan_out, attempts=bad)


def test_bad_tolerance_and_trace_are_refused(fan_out):
    with pytest.raises(ValueError, match="tolerance must be"):
        Quiz(fan_out, tolerance=-0.1)
    with pytest.raises(TypeError, match="Quiz needs a BackpropTrace"):
        Quiz("trace")


def test_a_pytorch_trace_is_quizzed_with_the_rules_its_labels_name():
    torch = pytest.importorskip("torch")
    x = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(Y, dtype=torch.float64, requires_grad=True)
    with gv.torch.capture() as cap:
        f = x * y + torch.sin(x)
    trace = cap.trace_backward(f)
    quiz = Quiz(trace)
    asked = [
        (q.kind, round(float(q.target), 6), q.rules[0])
        for i in range(len(trace.steps))
        for q in quiz.questions(i)
    ]
    assert sorted(asked) == sorted(
        [
            ("contribution", 1.0, "sum rule"),
            ("contribution", 1.0, "sum rule"),
            ("contribution", round(np.cos(X), 6), "chain rule through sin"),
            ("contribution", Y, "product rule"),
            ("contribution", X, "product rule"),
            ("accumulated", round(Y + np.cos(X), 6), "sum rule at a fan-out"),
        ]
    )
    mul = next(s.index for s in trace.steps if trace.label(s.op) == "×")
    assert quiz.check(mul, "3").message.endswith(
        "Hint: × sends back the upstream grad times the *other* input: 1 × leaf_1 (1 more try)"
    )
