"""Package list for setuptools: everything under src/, plus the shipped templates.

The templates live in the top-level ``templates/`` folder (where Word/WPS users edit them) and are
installed as the ``casefile.templates`` package, so a plain ``pip install .`` carries them.
"""

from setuptools import find_namespace_packages, setup

setup(packages=[*find_namespace_packages("src", include=["casefile*"]), "casefile.templates"])
