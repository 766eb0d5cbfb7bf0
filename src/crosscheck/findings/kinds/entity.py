"""entity: a different person, company or place in the same role (who acquired whom, who heads what)."""

from __future__ import annotations

from crosscheck.findings.kinds.base import Kind, Pair, Params, Verdict
from crosscheck.statements.entities import same_entity, shared_names


class EntityParams(Params):
    min_alignment: float = 0.6
    roles: tuple[str, ...] = ("subject", "object")


def check(pair: Pair, p: EntityParams) -> list[Verdict]:
    a, b = pair.a, pair.b
    if pair.same_document:
        return []
    keys_a, keys_b = {e.key for e in a.entities}, {e.key for e in b.entities}
    for pred, role, key_a in a.roles:
        if role not in p.roles:
            continue
        for pred_b, role_b, key_b in b.roles:
            if (pred_b, role_b) != (pred, role) or same_entity(key_a, key_b):
                continue  # one entity written two ways ("Pink News" / "PinkNews", "Inc." dropped) is no other actor
            if shared_names({key_a}, keys_b) or shared_names({key_b}, keys_a) or \
                    any(same_entity(key_a, k) for k in keys_b) or any(same_entity(key_b, k) for k in keys_a):
                continue  # both names appear on both sides: a different wording, not a different actor
            return [Verdict("contradiction", {"a_value": key_a, "b_value": key_b, "role": f"{role} of '{pred}'"},
                            confidence=0.7)]
    return []


KIND = Kind("entity", EntityParams, frozenset({"a_value", "b_value", "role"}), check=check,
            description="different actor in the same role")
