"""Measuring crosscheck on labelled pairs: the same pipeline as ``check``, scored against gold labels.

Public pair datasets (stance, NLI, paraphrase, event coreference) become two-source stories,
one per row; ``predict`` turns each story's findings into a verdict and ``scoring`` compares
those with the gold labels. Nothing here prints: the ``eval`` command and ``bench/eval_all.py``
own the output.
"""
