"""The policy register (cover sheets, posts, amendment log), versions, reviews and reminders."""

from .calendar import ReviewCalendarEntry, ReviewReminder
from .register import Policy, PolicyAmendment, Post
from .reviews import PolicyReview
from .versions import PolicyDocument, PolicyVersion, PublishedVersionError

__all__ = [
    "Policy",
    "PolicyAmendment",
    "PolicyDocument",
    "PolicyReview",
    "PolicyVersion",
    "Post",
    "PublishedVersionError",
    "ReviewCalendarEntry",
    "ReviewReminder",
]
