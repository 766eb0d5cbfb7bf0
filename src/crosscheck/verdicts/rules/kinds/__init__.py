"""The closed set of rule kinds. A rule file picks one by name and sets its parameters."""

from crosscheck.verdicts.rules.kinds import (agreement, date, debunk, entity, hedge, nli, numeric, polarity, quote,
                                       single_source, unsupported)
from crosscheck.verdicts.rules.kinds.base import Kind

KINDS: dict[str, Kind] = {m.KIND.name: m.KIND for m in (numeric, date, polarity, entity, hedge, quote, agreement,
                                                         single_source, unsupported, nli, debunk)}
