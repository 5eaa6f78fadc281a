"""The numpy graph engine: graph → ops → gradients → session → train. No visual imports.

`graph` holds the graph and its walks (`walk`, `ancestors`, `descendants`); `ops` declares every op
once (kernel, shape rule, gradient and its role for the debugger) and installs the Tensor
operators; `session.session_for` is the one place a session is resolved.
"""
