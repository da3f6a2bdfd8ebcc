"""The eligibility object as plain JSON-ready data, for the API's answers and the webhooks' events alike.

A plain function, not a DRF serializer: a thousand answers through DRF's
field-by-field machinery cost more than working them out, and the webhooks
need the same object without the REST layer. `api/serializers.py` describes
its fields for the OpenAPI schema.
"""

from __future__ import annotations

from . import engine


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
