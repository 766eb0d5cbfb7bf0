"""The rules of the verdict stage: the rule engine (``engine``), the closed set of rule kinds (``kinds``),
rule files as data (``ruleset``: ``rules/<group>/<ID>.yml`` at the top of the repository) and their
test cases (``cases``)."""
