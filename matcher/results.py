"""What recommendations return: typed, explained suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field

ReasonParam = str | int | float | list[str] | list[int]


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason for a suggestion: a stable ``code`` with its ``params``, and the English ``text``.

    Clients that word reasons in another language use the code and parameters (the web page's ``reason.<code>``
    messages); ``text`` is the English wording, also listed in the match's ``reasons``. Codes:
    ``worked_with_you`` {project, more}, ``worked_with_partner`` {partner, project, more}, ``shared_sdgs`` {sdgs},
    ``key_terms`` {terms}, ``text_similarity`` {value}, ``similar_projects`` {count}, ``same_country`` {country},
    ``type_complement`` {type}, ``related_profile`` {value}, ``same_theme`` {theme}, ``as_asked`` {what, value},
    ``network_proximity`` {}, ``group_type_complement`` {type}; for groups
    ``past_partners_in_group`` {count, partners} and ``profile_similarity`` {value}.
    """

    code: str
    text: str
    params: dict[str, ReasonParam] = field(default_factory=dict)


class _Explained:
    """``reasons``: the English wording of ``explanations``, set from them so that the two never disagree (a field,
    so that ``dataclasses.asdict`` keeps it)."""

    __slots__ = ()
    explanations: list[Reason]

    def __post_init__(self) -> None:
        object.__setattr__(self, "reasons", [e.text for e in self.explanations])


@dataclass(frozen=True, slots=True)
class PartnerMatch(_Explained):
    partner_id: str
    name: str
    type: str | None
    country: str | None
    score: float
    reasons: list[str] = field(init=False)
    score_breakdown: dict[str, float] = field(default_factory=dict)
    explanations: list[Reason] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class GroupMatch(_Explained):
    group_id: str
    name: str
    score: float
    reasons: list[str] = field(init=False)
    score_breakdown: dict[str, float] = field(default_factory=dict)
    explanations: list[Reason] = field(default_factory=list)
