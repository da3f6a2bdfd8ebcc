"""docs/rules.md §1 as the engine's plain rules, so engine tests need no database."""

import datetime as dt

from compliance.engine import CaseTypeRule, Catalogue, EquivalenceRule, RequirementRule

SEEDED = dt.date(2015, 5, 1)
BTECS = frozenset({"BTEC2-CSC", "BTEC3-CSCNM", "BTEC5-PAMCS"})

REQUIREMENTS = (
    RequirementRule(
        "BTEC-L2", "BTEC level 2", frozenset({"NHO"}), frozenset({"BTEC2-CSC"}), in_force_from=SEEDED
    ),
    RequirementRule(
        "BTEC-L3", "BTEC level 3", frozenset({"CSO"}), frozenset({"BTEC3-CSCNM"}), in_force_from=SEEDED
    ),
    RequirementRule(
        "BTEC-L5", "BTEC level 5", frozenset({"CSM"}), frozenset({"BTEC5-PAMCS"}), in_force_from=SEEDED
    ),
    RequirementRule(
        "HATE-REFRESHER",
        "Hate crime refresher",
        frozenset({"NHO", "CSO"}),
        frozenset({"HC-REFRESHER", "SHUK-HATE"}) | BTECS,
        recurrence_months=24,
        in_force_from=SEEDED,
    ),
)
EQUIVALENCES = (
    EquivalenceRule("BTEC3-CSCNM", "BTEC2-CSC", SEEDED),
    EquivalenceRule("BTEC5-PAMCS", "BTEC3-CSCNM", SEEDED),
    EquivalenceRule("BTEC5-PAMCS", "BTEC2-CSC", SEEDED),
)
HATE_CRIME = CaseTypeRule(
    "hate_crime",
    frozenset({"NHO", "CSO", "CSM"}),
    frozenset({"BTEC-L2", "BTEC-L3", "BTEC-L5", "HATE-REFRESHER"}),
)


def reference_catalogue(**overrides) -> Catalogue:
    return Catalogue(
        requirements=overrides.get("requirements", REQUIREMENTS),
        equivalences=overrides.get("equivalences", EQUIVALENCES),
        case_types=overrides.get("case_types", (HATE_CRIME,)),
    )
