"""gradviz for PyTorch: capture a model's forward pass, trace its backward pass with autograd's
own hooks, and read the result with the same drawings, Debugger, summaries and checks.

    with gv.torch.capture(model) as cap:
        loss = F.mse_loss(model(x), y)
    trace = cap.trace_backward(loss)          # a BackpropTrace; trace.grads == autograd.grad
    gv.draw_trace(trace); gv.Debugger(trace); gv.gradient_summary(trace)

`import gradviz` never imports torch: this package imports it on first use (the optional extra
``pip install gradviz[torch]``).
"""


def capture(model=None):
    """A context manager recording the forward pass of `model` (see capture.Capture)."""
    from .forward import Capture

    return Capture(model)


def trace_backward(loss, inputs=None, module=None, grad_output=None):
    """The backward pass of `loss` without a forward capture (forward values unknown)."""
    from .backward import trace_backward as run

    return run(loss, inputs, module, grad_output=grad_output)


def watch(model, monitor, names=None):
    """Feed `monitor` (a GradientMonitor) with the gradients of `model`'s parameters."""
    from .monitor import watch as run

    return run(model, monitor, names)


def check_functions(trace, tolerance=1e-4, delta=1e-6, seed=0):
    """Check every custom autograd.Function's backward in `trace` against finite differences."""
    from .functions import check_functions as run

    return run(trace, tolerance, delta, seed)
