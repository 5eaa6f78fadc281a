"""What the debugger knows about one backward pass: traces, summaries, monitors, checks.

It reads the engine (graph, GradientMap, Session) and never imports the visual layer: text comes
from `gradviz.format`, and HTML tables, figures and drawings are asked for through `pictures`,
where `gradviz.viz` registers them.
"""
