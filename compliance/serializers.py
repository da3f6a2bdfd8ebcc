"""The eligibility object of docs/interfaces.md §4.2, and the bulk request.

Output serializers declare every field (for the OpenAPI schema) but write the
JSON with one plain function: a thousand answers through DRF's field-by-field
machinery cost more than working them out.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from . import engine
from .enums import Reason, Status


def _iso(day):
    return day.isoformat() if day is not None else None


def eligibility_json(e: engine.Eligibility) -> dict:
    return {
        "employee_number": e.employee_number,
        "case_type": e.case_type,
        "as_of": e.as_of.isoformat(),
        "eligible": e.eligible,
        "supervision_required": e.supervision_required,
        "eligible_until": _iso(e.eligible_until),
        "reasons": [
            {"code": str(r.code), "requirement": r.requirement, "due_date": _iso(r.due_date)}
            for r in e.reasons
        ],
        "requirements": [
            {
                "code": s.code,
                "status": str(s.status),
                "due_date": _iso(s.due_date),
                "valid_until": _iso(s.valid_until),
            }
            for s in e.requirements
        ],
    }


class ReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=Reason.choices,
        help_text=(
            "Why (docs/rules.md §4). `unknown_employee`: no such colleague (bulk only); `inactive`: not employed "
            "on the date; `role_not_permitted`: their role then is not admitted to the case type; "
            "`overdue`: a gating requirement is overdue (one reason each); `in_induction`: a gating "
            "requirement not yet met and not yet overdue, so the officer works under supervision; "
            "`exempt`: an approved exemption from a gating requirement."
        ),
    )
    requirement = serializers.CharField(
        allow_null=True,
        help_text="The requirement's code for `overdue`, `in_induction` and `exempt`; else null.",
    )
    due_date = serializers.DateField(
        allow_null=True, help_text="The requirement's due date for `overdue` and `in_induction`; else null."
    )


class RequirementStatusSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The requirement's code, e.g. `BTEC-L2`, `HATE-REFRESHER`.")
    status = serializers.ChoiceField(
        choices=Status.choices, help_text="Its status on `as_of` (docs/rules.md §3)."
    )
    due_date = serializers.DateField(
        allow_null=True,
        help_text="The last day it is still on time; null when met by a qualification or exempt.",
    )
    valid_until = serializers.DateField(
        allow_null=True, help_text="For a refresher, the date the current completion lapses; else null."
    )


class EligibilitySerializer(serializers.Serializer):
    employee_number = serializers.CharField(help_text="As asked.")
    case_type = serializers.CharField(help_text="As asked, e.g. `hate_crime`.")
    as_of = serializers.DateField(help_text="The date answered for (`on`, or today in Europe/London).")
    eligible = serializers.BooleanField(
        help_text="May the officer be assigned a case of this type on `as_of`."
    )
    supervision_required = serializers.BooleanField(
        help_text="Eligible while still training in induction: assign under supervision."
    )
    eligible_until = serializers.DateField(
        allow_null=True,
        help_text=(
            "The last day eligibility is certain without more training: the earliest due date among the "
            "gating requirements; null when none has one or when not eligible."
        ),
    )
    reasons = ReasonSerializer(many=True, help_text="Empty when eligible with nothing to note.")
    requirements = RequirementStatusSerializer(
        many=True, help_text="Every gating requirement of the officer's role on `as_of`, with its status."
    )

    def to_representation(self, instance):
        return eligibility_json(instance)


class EligibilityListSerializer(serializers.Serializer):
    results = EligibilitySerializer(many=True, help_text="One answer per number, in the order asked.")


class EmployeeNumbersField(serializers.ListField):
    """A list of employee numbers, checked in one loop.

    The same rules as `ListField(child=CharField(max_length=30))`, which the
    schema shows, without a child field's full validation run per item: a
    thousand of those cost more than answering them.
    """

    def __init__(self, **kwargs):
        super().__init__(child=serializers.CharField(max_length=30), **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str | dict) or not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        if not data and not self.allow_empty:
            self.fail("empty")
        for index, item in enumerate(data):
            if not isinstance(item, str) or not item or len(item) > 30 or item != item.strip():
                raise serializers.ValidationError(
                    {
                        index: [
                            f"{item!r} is not an employee number (1 to 30 characters, no surrounding spaces)"
                        ]
                    }
                )
        return data


class BulkEligibilityRequestSerializer(serializers.Serializer):
    case_type = serializers.CharField(max_length=50, help_text="A case type's code, e.g. `hate_crime`.")
    employee_numbers = EmployeeNumbersField(
        allow_empty=False,
        max_length=settings.API_ELIGIBILITY_BULK_MAX,
        help_text=f"Up to {settings.API_ELIGIBILITY_BULK_MAX} employee numbers; answered in this order.",
    )
    on = serializers.DateField(
        required=False,
        allow_null=True,
        input_formats=["iso-8601"],
        help_text="YYYY-MM-DD; default today in Europe/London. Past dates audit, future dates forecast.",
    )
