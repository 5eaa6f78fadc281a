import pytest

torch = pytest.importorskip(
    "torch", reason="PyTorch is not installed: `pip install torch==2.13.0` (or gradviz[torch])"
)
