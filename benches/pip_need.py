"""Installs the Python packages a benchmark needs, with pip, when they are missing."""

import subprocess
import sys

# Import names whose pip requirement differs.
REQUIREMENTS = {"mesa": "mesa>=3,<4"}


def need(*modules):
    missing = []
    for m in modules:
        try:
            __import__(m)
        except ImportError:
            missing.append(REQUIREMENTS.get(m, m))
    if missing:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *missing], check=True)
