"""The overdue list with a tick box to act on each row and what is already in hand for it.

Kept apart from `tables.py` (the list's columns and cells) so the two change
independently: this only adds a column at each end.
"""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html, format_html_join

from .actions import pick_value
from .selectors.in_hand import NOTHING, in_hand
from .tables import OverdueTable


class ActionOverdueTable(OverdueTable):
    pick = tables.Column(
        verbose_name="Select",
        orderable=False,
        empty_values=(),
        attrs={"th": {"class": "pick"}, "td": {"class": "pick"}},
    )
    in_hand = tables.Column(verbose_name="In hand", orderable=False, empty_values=())

    class Meta(OverdueTable.Meta):
        sequence = ("pick", "...", "in_hand")

    def __init__(self, data, *, acts: bool = True, **kwargs):
        super().__init__(data, **kwargs)
        self.acts = acts
        self.in_hand = {}
        if not acts:
            self.exclude = ("pick",)

    def page_rows(self) -> list[tuple[str, ...]]:
        if self.page:
            # The page's rows at once: 4 queries whatever the page's length (selectors/in_hand.py).
            pairs = [(r.record["colleague_id"], r.record["requirement_code"]) for r in self.page.object_list]
            self.in_hand = in_hand(pairs, today=self.today)
        return super().page_rows()

    def _cells(self, r, link: str) -> tuple[str, ...]:
        cells = super()._cells(r, link)
        notes = self.in_hand.get((r["colleague_id"], r["requirement_code"]), NOTHING).notes()
        hand = format_html_join(" ", '<span class="in-hand">{}</span>', ((n,) for n in notes))
        if not self.acts:
            return (*cells, hand)
        pick = format_html(
            '<input type="checkbox" name="pick" value="{}" form="actions" aria-label="Select {} {}, {}">',
            pick_value(r["employee_number"], r["requirement_code"]),
            r["first_name"],
            r["last_name"],
            r["requirement_code"],
        )
        return (pick, *cells, hand)
