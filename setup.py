"""Packages: everything under src/, plus the built-in rules.

The rules live at the top of the repository (rules/<group>/<ID>.yml, one copy); the wheel carries them
as the data package ``crosscheck.rules`` so that an installed crosscheck finds them
(findings/ruleset.builtin_rules_dir). pyproject.toml holds the rest of the metadata.
"""

from setuptools import find_packages, setup

setup(packages=[*find_packages("src"), "crosscheck.rules"],
      package_dir={"": "src", "crosscheck.rules": "rules"})
