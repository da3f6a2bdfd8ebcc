"""Send today's reminders and the managers' weekly digests now, so the demo's mail folder has them at once.

The scheduler sends them at 07:00 and on Monday mornings; a newcomer trying
the demo should not wait. Each send is claimed as usual, so running this
again (or the scheduler later) sends nothing twice.
"""

from django.core.management.base import BaseCommand

from reminders.tasks import manager_digests_send, reminders_send_due


class Command(BaseCommand):
    help = "Send today's reminders and the managers' digests now (through the worker if one runs)."

    def handle(self, *args, **options):
        reminders = reminders_send_due()
        digests = manager_digests_send()
        self.stdout.write(f"reminders queued for {reminders} colleagues, digests for {digests} managers")
