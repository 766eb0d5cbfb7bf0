"""Calibrated verdicts: evidence features of aligned pairs, a learned combiner, synthetic training pairs.

The rules still name the reason a finding is shown; the combiner says how sure we are. Stage
order: after findings (it reads the rules' verdicts), before the report. ``train`` sits with the
pipeline and evaluation, which it drives.
"""
