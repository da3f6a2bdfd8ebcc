"""Issue 19 benchmark: the committee pack (PDF) for a quarter at 20,000 colleagues.

Prints the time to build one quarter's pack from the records (the engine on
the quarter's first and last day, the trends from the snapshots, the HTML and
WeasyPrint's PDF), split into its parts. Target on a 2-core machine: under
20 s for the whole pack. The snapshots of two years (what the nightly task
leaves; the backfill stands in for it) are recorded first and not timed.
"""

import io
import os
import statistics
import time

from dataset import TODAY, ensure_dataset
from pypdf import PdfReader

from dashboard.models import ComplianceSnapshot
from dashboard.pack import pack_build, pack_html, pack_pdf
from dashboard.selectors.kpi import Quarter
from dashboard.services import snapshot_backfill
from people.models import Colleague

RUNS = int(os.environ.get("PACK_RUNS", "3"))
QUARTER = Quarter.containing(TODAY).previous()  # the last complete quarter


def main() -> None:
    built = ensure_dataset()
    print(f"data set: {built['colleagues']:,} colleagues, {built['records']:,} training records")
    if ComplianceSnapshot.objects.values("taken_on").distinct().count() < 25:
        started = time.perf_counter()
        snapshot_backfill(until=TODAY, months=24)
        print(f"snapshots for 24 months recorded in {time.perf_counter() - started:.1f} s (setup, not timed)")
    totals, parts = [], []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        pack = pack_build(Colleague.objects.all(), QUARTER, TODAY, teams=None)
        t1 = time.perf_counter()
        html = pack_html(pack)
        t2 = time.perf_counter()
        pdf = pack_pdf(pack)
        t3 = time.perf_counter()
        totals.append(t3 - t0)
        parts.append((t1 - t0, t2 - t1, t3 - t2))
    figures, html_time, pdf_time = (statistics.median(p[i] for p in parts) for i in range(3))
    print(
        f"pack for {QUARTER} ({pack.kpi.at_end.overall.total:,} colleague-requirements, "
        f"{len(pack.kpi.at_end.teams)} teams): median {statistics.median(totals):.1f} s of {RUNS} "
        f"(figures {figures:.1f} s, HTML {html_time:.2f} s, PDF {pdf_time:.1f} s; "
        f"{len(html) // 1024} KiB of HTML, {len(pdf) // 1024} KiB PDF, {len(PdfReader(io.BytesIO(pdf)).pages)} pages)"
    )
    print(f"target < 20 s: {'met' if statistics.median(totals) < 20 else 'NOT met'}")


if __name__ == "__main__":
    main()
