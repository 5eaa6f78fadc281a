"""The classroom notebooks as stored: their quizzes unanswered, the teacher's solution switched off,
so that neither opening them nor Run All gives an answer away."""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def cells(name):
    return json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))["cells"]


def code(name):
    return ["".join(c["source"]) for c in cells(name) if c["cell_type"] == "code"]


def outputs(name):
    return [o for c in cells(name) if c["cell_type"] == "code" for o in c.get("outputs", [])]


def text_of(output):
    data = output.get("data", {})
    return "".join(output.get("text", "")) + "".join(data.get("text/plain", ""))


@pytest.mark.parametrize("name", ["03_calculus_debugger.ipynb", "06_your_turn.ipynb"])
def test_nothing_answers_the_quiz(name):
    sources = "\n".join(code(name))
    assert "predict=True" in sources
    for call in ("check_guess", ".reveal(", "quiz.goto", "quiz.next", "quiz.last"):
        assert call not in sources, f"{name} calls {call}"
    scores = [text_of(o) for o in outputs(name) if "'asked'" in text_of(o)]
    assert scores and all("'asked': 0, 'correct': 0" in s for s in scores)


@pytest.mark.parametrize("name", ["03_calculus_debugger.ipynb", "06_your_turn.ipynb"])
def test_the_stored_quiz_picture_shows_no_gradient(name):
    quizzes = [o for o in outputs(name) if "at step 1>" in text_of(o) and "text/html" in o["data"]]
    html = "".join(quizzes[-1]["data"]["text/html"])
    labels = re.findall(r"<text[^>]*>(.*?)</text>", html)
    assert any(label == "∂/∂x = …" or label.startswith("∂/∂") for label in labels)
    assert not [label for label in labels if re.match(r"(∇|∂/∂\w+ =|Σ∇ =) [-\d\[]", label)]


def test_the_teachers_solution_is_off_and_separate():
    sources = code("06_your_turn.ipynb")
    (solution,) = [s for s in sources if "SHOW_SOLUTION" in s]
    assert solution.startswith("SHOW_SOLUTION = False\n")
    assert "3.0 * t * t" in solution and not any(
        "3.0 * t * t" in s for s in sources if s is not solution
    )
    texts = [text_of(o) for o in outputs("06_your_turn.ipynb")]
    assert "The model answer is hidden (SHOW_SOLUTION = False).\n" in texts
    headings = [c["source"] for c in cells("06_your_turn.ipynb") if c["cell_type"] == "markdown"]
    assert any("For the teacher: the model answer (off by default)" in "".join(h) for h in headings)


def test_the_exercise_is_stored_ungraded_right():
    texts = "\n".join(text_of(o) for o in outputs("06_your_turn.ipynb"))
    assert re.search(r"s:0 → cube\s+WRONG", texts)  # the template answer, as a student finds it
    assert texts.count("right") == 4
