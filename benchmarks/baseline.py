"""A bare Django view answering the single eligibility lookup from one hand-written SQL query.

No DRF, no authentication, no throttling, no decision log, the catalogue
loaded once per process: the cheapest honest way to give the same answer,
against which the API's requests per second are compared.
"""

import datetime as dt
import json

from django.conf import settings
from django.db import connection
from django.http import Http404, JsonResponse
from django.utils import timezone

from compliance import engine, selectors
from compliance.serializers import eligibility_json

SQL = """
SELECT c.employee_number, c.start_date, c.leaving_date,
  (SELECT json_agg(json_build_array(r.code, a.started_on)) FROM people_roleassignment a
     JOIN people_role r ON r.id = a.role_id WHERE a.colleague_id = c.id),
  (SELECT json_agg(json_build_array(k.code, t.completed_on)) FROM training_trainingrecord t
     JOIN training_course k ON k.id = t.course_id WHERE t.colleague_id = c.id),
  (SELECT json_agg(json_build_array(q.code, w.kind, w.approved_on, w.new_due_date, w.original_due_date,
                                    w.starts_on, w.ends_on))
     FROM compliance_waiver w JOIN compliance_requirement q ON q.id = w.requirement_id
     WHERE w.colleague_id = c.id)
FROM people_colleague c WHERE c.employee_number = %s
"""

_catalogue = None


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def load(value):
    return json.loads(value) if isinstance(value, str) else value


def baseline_eligibility(request, employee_number):
    global _catalogue
    if _catalogue is None:
        _catalogue = selectors.catalogue_load()
    on = request.GET.get("on")
    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(SQL, [employee_number])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    number, start, leaving, roles, records, waivers = row
    facts = engine.ColleagueFacts(
        employee_number=number,
        start_date=start,
        leaving_date=leaving,
        roles=tuple((r, _date(d)) for r, d in load(roles) or ()),
        completions=tuple((c, _date(d)) for c, d in load(records) or ()),
        waivers=tuple(
            engine.WaiverFacts(w[0], w[1], *(_date(d) for d in w[2:])) for w in load(waivers) or ()
        ),
    )
    rule = _catalogue.case_types_by_code[request.GET.get("case_type", "hate_crime")]
    answer = engine.eligibility(facts, number, rule, _catalogue, day, settings.COMPLIANCE_WARNING_DAYS)
    return JsonResponse(eligibility_json(answer))
