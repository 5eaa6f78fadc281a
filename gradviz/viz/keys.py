"""Keyboard steps for a widget: ←/→, Home/End press the widget's own buttons.

ipywidgets has no key events, so a small anywidget (an ES module, no build step) finds the
enclosing `root_class` element in the page, makes it focusable and, on a key in `bindings`, clicks the
button with that CSS class: a key does exactly what a click does, with no Python round trip of its
own. Keys typed into a text box or moving a slider are left alone. It also gives the Play widget's
icon-only buttons a word and a tooltip (ipywidgets draws them with icons alone).
"""

import anywidget
import traitlets

ESM = """
function findRoot(el, cls, tries, done) {
  const root = el.closest('.' + cls);
  if (root) return done(root);
  if (tries > 0) setTimeout(() => findRoot(el, cls, tries - 1, done), 50);
}

function labelPlay(root, cls, words) {
  const play = root.querySelector('.' + cls);
  if (play) play.style.width = 'auto';  // room for the words
  for (const button of root.querySelectorAll('.' + cls + ' button')) {
    const icon = button.querySelector('i');
    const name = icon && [...icon.classList].find(c => c.startsWith('fa-') && words[c.slice(3)]);
    if (!name || button.dataset.gvWord) continue;
    const [word, tip] = words[name.slice(3)];
    button.dataset.gvWord = word;
    button.title = tip;
    button.setAttribute('aria-label', tip);
    button.append(' ' + word);
    button.style.width = 'auto';
    button.style.flex = '0 0 auto';
  }
}

function render({ model, el }) {
  el.style.display = 'none';
  findRoot(el, model.get('root_class'), 100, (root) => {
    root.tabIndex = 0;
    root.dataset.lmSuppressShortcuts = 'true';  // JupyterLab: these keys are ours here
    labelPlay(root, model.get('play_class'), model.get('play_words'));
    root.addEventListener('keydown', (event) => {
      const target = event.target;
      if (target.closest('input, textarea, select, [contenteditable], .widget-slider')) return;
      const cls = model.get('bindings')[event.key];
      if (!cls || event.altKey || event.ctrlKey || event.metaKey) return;
      const button = root.querySelector('button.' + cls);
      if (!button || button.disabled) return;
      event.preventDefault();
      event.stopPropagation();
      button.click();
    });
  });
}
export default { render };
"""


class KeySteps(anywidget.AnyWidget):
    """Invisible: binds `bindings` ({key: button CSS class}) on the enclosing `root_class` element."""

    _esm = traitlets.Unicode(ESM).tag(sync=True)
    root_class = traitlets.Unicode().tag(sync=True)
    bindings = traitlets.Dict().tag(sync=True)  # key -> button class (`keys` is Widget's own)
    play_class = traitlets.Unicode().tag(sync=True)  # the Play widget's class
    play_words = traitlets.Dict().tag(sync=True)  # its icon's FontAwesome name -> [word, tooltip]
