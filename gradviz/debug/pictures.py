"""Where the visual layer plugs its pictures of debug results in.

A debug result asks for its HTML table, figure or drawing by name (``render("summary_html",
summary)``); `gradviz.viz` registers the functions that make them when it is imported (the
package's `__init__` imports it). So debug never imports viz: the arrow points one way.
"""

_RENDERERS = {}  # name -> function


def register(name, function):
    """Make `function` the renderer called `name` (the visual layer calls this on import)."""
    _RENDERERS[name] = function
    return function


def render(name, *args, **kwargs):
    """Call the renderer `name`; a clear error when the visual layer was never imported."""
    function = _RENDERERS.get(name)
    if function is None:
        raise RuntimeError(f"no renderer '{name}' registered: import gradviz (or gradviz.viz) first")
    return function(*args, **kwargs)
