"""`import gradviz` against `import numpy`, each in a fresh interpreter (``python -X importtime``).

    .venv/bin/python benchmarks/import_time.py [--rounds 15]

The two imports run in alternating rounds, so a shared machine's load hits both alike; the figures
are each one's best round (the cumulative microseconds `-X importtime` reports for the top-level
package) and the median of the per-round ratios (target ≤ 2.0). The modules that a script which
never shows a widget must not load (ipywidgets, IPython, pandas, matplotlib) are checked too.

gradviz's modules are byte-compiled first, as `pip install` does (numpy's are, from its wheel): a
checkout run with PYTHONDONTWRITEBYTECODE set would otherwise compile every module at each import.
"""

import argparse
import compileall
import statistics
import subprocess
import sys

TARGET = 2.0
HEAVY = ("ipywidgets", "IPython", "pandas", "matplotlib")


def import_us(module):
    """Cumulative import time of `module` in a fresh interpreter, in microseconds."""
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    for line in reversed(err.splitlines()):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1])
    raise RuntimeError(f"no importtime line for {module}")


def heavy_modules_loaded():
    code = f"import sys, gradviz; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.split()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    import gradviz

    compileall.compile_dir(gradviz.__path__[0], quiet=1)
    numpy_us, gradviz_us = [], []
    for _ in range(rounds):
        numpy_us.append(import_us("numpy"))
        gradviz_us.append(import_us("gradviz"))
    ratio = statistics.median(g / n for g, n in zip(gradviz_us, numpy_us, strict=True))
    print(f"import numpy    best {min(numpy_us) / 1000:7.1f} ms  (of {rounds} rounds)")
    print(f"import gradviz  best {min(gradviz_us) / 1000:7.1f} ms  (numpy included)")
    print(f"gradviz / numpy median ratio {ratio:.2f}  (target ≤ {TARGET})")
    print(f"heavy modules loaded by `import gradviz`: {heavy_modules_loaded() or 'none'}")


if __name__ == "__main__":
    main()
