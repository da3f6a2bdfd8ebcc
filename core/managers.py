from django.db import models


class CodeManager(models.Manager):
    """Looks records up by their code, so fixtures match on meaning rather than on ids.

    `loaddata reference` on a database where HR already keyed a course by hand
    then updates that course instead of failing on a duplicate code.
    """

    key_fields: tuple[str, ...] = ("code",)

    def get_by_natural_key(self, *values):
        return self.get(**dict(zip(self.key_fields, values, strict=True)))


def natural_key_manager(*fields: str) -> CodeManager:
    manager = CodeManager()
    manager.key_fields = fields
    return manager
