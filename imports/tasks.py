from celery import shared_task


@shared_task(bind=True)
def import_batch_run(self, batch_id: int) -> dict:
    """Check (and unless a dry run, write) a large upload; progress goes to the result backend for the page."""
    from .models import ImportBatch
    from .services import import_batch_process

    def progress(stage: str, done: int, total: int) -> None:
        self.update_state(state="PROGRESS", meta={"stage": stage, "done": done, "total": total})

    batch = ImportBatch.objects.defer("content").get(pk=batch_id)
    if batch.finished:
        # Redelivered after the worker died between commit and acknowledgement: done already.
        return {"batch": batch_id, "status": batch.status}
    batch = ImportBatch.objects.get(pk=batch_id)
    outcome = import_batch_process(batch=batch, progress=None if self.request.is_eager else progress)
    return {"batch": batch_id, "status": outcome.batch.status}
