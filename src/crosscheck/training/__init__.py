"""Training code: the contradiction model's data and training loop.

Kept apart from the run-time stages: it imports them (sentence splitting, synthetic perturbations,
the shipped model's format), they never import it. Needs ``pip install -e '.[train]'``.
"""
