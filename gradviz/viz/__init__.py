"""How it looks: theme (the encoding: every colour and CSS class), dot (Graphviz drawings), svg
(restyling), tables (HTML reports), widgets (the Debugger), plots (matplotlib).

On import this package registers its pictures of the debug results (HTML tables, figures, the
highlighted drawing) with `gradviz.debug.pictures`, so the debug layer can show them without
importing the visual layer.
"""

from ..debug import pictures as _pictures
from . import dot as _dot
from . import tables as _tables


def _plot(name):
    def plot(*args, **kwargs):
        from . import plots  # lazily: matplotlib takes longer to import than all of gradviz

        return getattr(plots, name)(*args, **kwargs)

    return plot


_pictures.register("draw", _dot.draw)
_pictures.register("draw_trace", _dot.draw_trace)  # a gradient check paints its verdicts on it
_pictures.register("summary_html", _tables.summary_html)
_pictures.register("gradcheck_html", _tables.gradcheck_html)
_pictures.register("monitor_html", _tables.monitor_html)
for _name in ("plot_norms", "plot_distributions", "plot_gradient_flow"):
    _pictures.register(_name, _plot(_name))
