"""Feed a GradientMonitor from a PyTorch training loop.

    monitor = gv.GradientMonitor()
    gv.torch.watch(model, monitor)
    for step in range(100):
        opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    monitor.first_flagged()      # rows named like model.named_parameters(): "fc1.weight", ...

One `torch.autograd.graph.register_multi_grad_hook` over the parameters fires once per backward
pass, with the gradients that pass computed (not the accumulated `.grad`), so each backward is
one monitor step. A parameter the pass did not reach is recorded as zeros.
"""

import torch


class Watch:
    """The hook's handle: `.remove()` stops feeding the monitor (also a context manager)."""

    def __init__(self, model, monitor, names=None):
        if not isinstance(model, torch.nn.Module):
            raise TypeError(f"watch(model): expected a torch.nn.Module, got {type(model).__name__}")
        named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
        if not named:
            raise ValueError("watch(model): the model has no parameter that requires grad")
        wanted = list(names) if names is not None else [n for n, _ in named]
        by_name = dict(named)
        missing = [n for n in wanted if n not in by_name]
        if missing:
            raise ValueError(f"watch(names): no trainable parameter named {missing[0]!r}")
        if monitor.names and monitor.names != wanted:
            raise ValueError("watch(monitor): the monitor already watches other names")
        monitor.names = wanted
        self.monitor, self.params = monitor, [by_name[n] for n in wanted]
        self._handle = torch.autograd.graph.register_multi_grad_hook(self.params, self._record)

    def _record(self, grads):
        values = [
            (torch.zeros_like(p) if g is None else g).detach().cpu().numpy()
            for p, g in zip(self.params, grads, strict=True)
        ]
        self.monitor.record(self.monitor._next_step(), values)

    def remove(self):
        self._handle.remove()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
        return False


def watch(model, monitor, names=None):
    """Record every backward pass's parameter gradients of `model` in `monitor`; returns a Watch."""
    return Watch(model, monitor, names)
