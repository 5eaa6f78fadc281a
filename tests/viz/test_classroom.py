"""The Debugger's classroom mode driven as a student drives it: typing into the answer box (its
value arrives on Enter), clicking Check and Show answer, stepping with the buttons. Each test asserts
what the status, the panel and the drawing then say, and what the score counts."""

import html
import re

import ipywidgets as widgets
import pytest

import gradviz as gv
from tests.viz.examples import xy_plus_sin_x
from tests.viz.test_widgets import click, element, find, step_of

X, Y = 1.5, 2.0


@pytest.fixture
def quiz():
    """f = x·y + sin(x) at x = 1.5, y = 2 (notebook 3): 3 forward and 5 backward steps."""
    f, xs, feed = xy_plus_sin_x(X, Y)
    return gv.Debugger(f, xs, feed_dict=feed, predict=True, attempts=2, hints=True)


def all_of(widget, kind):
    """Every widget of `kind` below `widget`, in layout order."""
    found = [widget] if isinstance(widget, kind) else []
    for child in getattr(widget, "children", ()):
        found += all_of(child, kind)
    return found


def answer_box(dbg):
    (box,) = find(dbg, "gv-guess", widgets.Text)
    return box


def type_and_enter(dbg, text):
    """What the browser sends when the student types `text` and presses Enter."""
    answer_box(dbg).value = text


def status(dbg):
    return html.unescape(dbg.status.value)


def label(dbg, edge):
    return element(dbg, edge)[1][0]


def asked_edges(dbg):
    return re.findall(r'<g id="([^"]+)" class="edge gv-edge-asked">', dbg.svg)


X_TO_XY, Y_TO_XY, X_TO_SIN = "e_n_x__n_xy_0", "e_n_y__n_xy_1", "e_n_x__n_sin_x_0"


def test_wrong_answer_then_hint_then_right_answer_reveals_and_asks_the_second_input(quiz):
    dbg = quiz
    dbg.goto(step_of(dbg, "xy"))
    assert asked_edges(dbg) == [X_TO_XY] and label(dbg, X_TO_XY) == "∇ …"
    assert "Question 1 of 2: predict the contribution sent back to x" in dbg.panel_text
    assert "1 × ? = ?" in dbg.panel_text  # local derivative and contribution kept back
    type_and_enter(dbg, "1.5")  # x's own value: the classic product-rule slip
    assert "✗ 1.5 is not the contribution sent back to x" in status(dbg)
    assert "Hint: × sends back the upstream grad times the <em>other</em> input: 1 × y" in status(dbg)
    assert answer_box(dbg).value == "" and label(dbg, X_TO_XY) == "∇ …"
    type_and_enter(dbg, "2")
    assert "✓ Right: the contribution sent back to x (input 1 of xy) is 2." in status(dbg)
    assert label(dbg, X_TO_XY) == "∇ 2" and "1 × 2 = 2" in dbg.panel_text
    # the second input is its own question, still hidden, its edge now the highlighted one
    assert asked_edges(dbg) == [Y_TO_XY] and label(dbg, Y_TO_XY) == "∇ …"
    assert "Question 2 of 2: predict the contribution sent back to y" in dbg.panel_text
    type_and_enter(dbg, "1.5")
    assert "✓ Right" in status(dbg) and label(dbg, Y_TO_XY) == "∇ 1.5"
    assert asked_edges(dbg) == [] and "All answered at this step: press Next (→)." in dbg.panel_text
    assert [(a["input"], a["value"], a["correct"], a["attempt"]) for a in dbg.answers] == [
        ("x", 1.5, False, 1),
        ("x", 2.0, True, 2),
        ("y", 1.5, True, 1),
    ]
    assert dbg.answers[0]["step"] == 5 and "step 5 of 8" in status(dbg)  # the 1-based readout


def test_check_button_grades_what_was_typed_once(quiz):
    dbg = quiz
    dbg.goto(step_of(dbg, "f"))
    box = answer_box(dbg)
    box.value = "1"  # the value arrives when the box loses focus to the Check button...
    click(dbg, "check")  # ...whose click then finds the box already cleared: no second grading
    assert len(dbg.answers) == 1 and dbg.answers[0]["correct"] is True
    assert "✓ Right: the contribution sent back to xy" in status(dbg)


def test_attempts_reached_then_the_answer_is_revealed(quiz):
    dbg = quiz
    dbg.goto(step_of(dbg, "sin_x"))
    type_and_enter(dbg, "1")
    assert "(1 more try)" in status(dbg) and "Hint: the chain rule" in status(dbg)
    type_and_enter(dbg, "0.5")
    assert "✗ 0.5 is not the contribution sent back to x (input 1 of sin_x). It is 0.07074." in status(
        dbg
    )
    assert label(dbg, X_TO_SIN) == "∇ 0.07074"
    # then the fan-out: every edge out of x is highlighted, the sum kept back in the panel
    assert sorted(asked_edges(dbg)) == [X_TO_SIN, X_TO_XY]
    assert "predict the accumulated gradient of x" in dbg.panel_text
    assert "accumulated so far ?" in dbg.panel_text
    type_and_enter(dbg, "2.0707")
    assert "✓ Right: the accumulated gradient of x" in status(dbg)
    assert "accumulated so far 2.071" in dbg.panel_text
    assert dbg.score["revealed"] == 1 and dbg.score["correct"] == 1


def test_show_answer_button_reveals_and_counts(quiz):
    dbg = quiz
    dbg.goto(step_of(dbg, "f"))
    click(dbg, "reveal")
    assert "Revealed: the contribution sent back to xy" in status(dbg)
    assert label(dbg, "e_n_xy__n_f_0") == "∇ 1" and label(dbg, "e_n_sin_x__n_f_1") == "∇ …"
    assert dbg.score["revealed"] == 1 and dbg.score["asked"] == 1 and dbg.answers == []


def test_not_a_number_gets_a_message_and_costs_no_attempt(quiz):
    dbg = quiz
    dbg.goto(step_of(dbg, "xy"))
    type_and_enter(dbg, "two")
    assert "'two' is not a number or a nested list of numbers (this costs no attempt)" in status(dbg)
    assert answer_box(dbg).value == "two"  # kept, to be corrected
    assert dbg.answers == [] and dbg.quiz.current(dbg.view.processed - 1).attempts == 0


def test_nothing_to_predict_returns_none_and_the_status_says_so(quiz):
    dbg = quiz
    assert dbg.check_guess("1") is None
    assert "Nothing to predict in the forward pass" in status(dbg)
    dbg.last()
    assert dbg.check_guess("2.07") is None
    assert "Nothing to predict at x: it is one of the xs, its gradient is final" in status(dbg)
    click(dbg, "prev")  # moving on clears the message
    assert "Nothing to predict" not in status(dbg)
    plain = gv.Debugger(dbg.trace.ys[0], dbg.trace.xs, feed_dict=dbg.feed)
    assert plain.check_guess("1") is None and "predict=True" in plain.status.value
    assert plain.score is None and plain.answers == []


def test_score_counts_everything_and_the_last_step_sums_it_up(quiz):
    dbg = quiz
    plan = {"f": ["1", "1"], "xy": ["1.5", "2", "3", "4"], "sin_x": ["0.0707", "2.07"]}
    for name, texts in plan.items():
        dbg.goto(step_of(dbg, name))
        for text in texts:
            type_and_enter(dbg, text)
    assert dbg.score == {
        "asked": 6,
        "correct": 5,
        "first_try": 4,
        "revealed": 1,
        "questions": 6,
        "by_rule": {
            "chain rule through sin": {"asked": 1, "correct": 1, "first_try": 1, "revealed": 0},
            "product rule": {"asked": 2, "correct": 1, "first_try": 0, "revealed": 1},
            "sum rule": {"asked": 2, "correct": 2, "first_try": 2, "revealed": 0},
            "sum rule at a fan-out": {"asked": 1, "correct": 1, "first_try": 1, "revealed": 0},
        },
    }
    assert len(dbg.answers) == 8 and dbg.quiz.to_dict()["score"] == dbg.score
    click(dbg, "last")
    text = dbg.panel_text
    assert "End of the backward pass · 5 of 6 answered right (4 at the first try), 1 revealed" in text
    assert "product rule: 1 of 2 right, 1 revealed" in text


def test_check_guess_with_input_answers_that_edge(quiz):
    dbg = quiz
    dbg.goto(step_of(dbg, "xy"))
    assert dbg.check_guess("1.5", input="y") is True
    assert label(dbg, Y_TO_XY) == "∇ 1.5" and label(dbg, X_TO_XY) == "∇ …"
    assert dbg.check_guess(2.0, input=0) is True


def test_changing_an_input_asks_again_with_the_new_numbers(quiz):
    dbg = quiz
    dbg.goto(step_of(dbg, "xy"))
    type_and_enter(dbg, "2")
    dbg.set_input("y", 5.0)
    assert label(dbg, X_TO_XY) == "∇ …" and asked_edges(dbg) == [X_TO_XY]
    assert dbg.check_guess("5") is True and dbg.score["correct"] == 2


# -- controls -------------------------------------------------------------------------------------
def test_every_button_has_a_word_an_icon_and_a_tooltip(quiz):
    buttons = all_of(quiz, widgets.Button)
    assert len(buttons) == 6
    for button in buttons:
        assert button.description and button.icon and button.tooltip, button
    assert [b.description for b in buttons] == ["First", "Back", "Next", "Last", "Check", "Show answer"]
    assert quiz.play.tooltip and quiz.key_steps.play_words["play"][0] == "play/pause"


def test_keys_press_the_step_buttons(quiz):
    assert quiz.key_steps.root_class == "gv-debugger" and "gv-debugger" in quiz._dom_classes
    assert quiz.key_steps.bindings == {
        "Home": "gv-first",
        "ArrowLeft": "gv-prev",
        "ArrowRight": "gv-next",
        "End": "gv-last",
    }
    for cls in quiz.key_steps.bindings.values():
        assert len(find(quiz, cls, widgets.Button)) == 1


def test_no_inputs_heading_when_every_leaf_is_a_constant():
    with gv.Graph().as_default():
        c = gv.constant(2.0, name="c")
        y = gv.sin(c * c, name="y")
        dbg = gv.Debugger(y, [c])
    headings = [w for w in all_of(dbg, widgets.HTML) if "<b>inputs</b>" in w.value]
    assert find(dbg, "gv-inputs") == [] and headings == []
    assert dbg.num_steps == 2 + len(dbg.trace.steps)


def test_the_static_picture_of_a_quiz_gives_no_answer_away(quiz):
    html_ = quiz._repr_mimebundle_()["text/html"]
    assert "∇ 2" not in html_ and "∂/∂x = …" in html_ and "Σ∇ = …" in html_
    plain = gv.Debugger(quiz.trace.ys[0], quiz.trace.xs, feed_dict=quiz.feed)
    assert "∇ 2" in plain._repr_mimebundle_()["text/html"]  # a plain stepper shows it all
