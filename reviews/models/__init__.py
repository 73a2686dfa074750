from .framework import Expectation, Framework, Section
from .reply import Reply
from .review import Finding, Recommendation, ReturnRound, Review, ReviewCycle, SignOff
from .self_assessment import SelfAssessment, SelfRating

__all__ = [
    "Expectation",
    "Finding",
    "Framework",
    "Recommendation",
    "Reply",
    "ReturnRound",
    "Review",
    "ReviewCycle",
    "Section",
    "SelfAssessment",
    "SelfRating",
    "SignOff",
]
