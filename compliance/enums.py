from django.db import models


class Status(models.TextChoices):
    """docs/rules.md §3: the status of one requirement for one colleague on one date."""

    COMPLIANT = "compliant", "Compliant"
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    PENDING = "pending", "Pending"
    EXEMPT = "exempt", "Exempt"


# Worst first: the order a manager reads a list in, and what "never worse" means in tests.
STATUS_SEVERITY = {
    Status.OVERDUE: 4,
    Status.DUE_SOON: 3,
    Status.PENDING: 2,
    Status.COMPLIANT: 1,
    Status.EXEMPT: 0,
}


class Reason(models.TextChoices):
    """docs/rules.md §4 and docs/interfaces.md §4.2: why an officer is (or is not) eligible."""

    UNKNOWN_EMPLOYEE = "unknown_employee", "Unknown employee"
    INACTIVE = "inactive", "Not active on the date"
    ROLE_NOT_PERMITTED = "role_not_permitted", "Role not admitted to the case type"
    OVERDUE = "overdue", "Gating requirement overdue"
    IN_INDUCTION = "in_induction", "Training in progress as part of induction"
    EXEMPT = "exempt", "Exempt from a gating requirement"


class WaiverKind(models.TextChoices):
    EXTENSION = "extension", "Extension (new due date)"
    EXEMPTION = "exemption", "Exemption (does not apply)"
