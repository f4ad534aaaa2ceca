"""``matcher consortium`` and ``matcher assign-groups``: whole teams from the command line."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from matcher.team.constraints import (
    AssignmentRequest,
    ConsortiumRequest,
    Constraints,
    GroupSpec,
    KindBound,
    RegionBound,
    TeamRequestError,
    TeamSize,
)

if TYPE_CHECKING:
    from matcher.engine import Matcher
    from matcher.team.results import AssignmentProposal, ConsortiumProposal

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _int(value: str, option: str, text: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise _fail(f"{option}: {text!r} is not a number") from None


def parse_size(text: str) -> TeamSize:
    """'5' or '4:6'."""
    low, _, high = text.partition(":")
    return TeamSize(_int(low, "--size", text), _int(high or low, "--size", text))


def parse_kind(text: str) -> KindBound:
    """'university:1' (at least 1), 'university:1:2' (1 to 2), 'company::1' (at most 1)."""
    kind, _, rest = text.partition(":")
    low, _, high = rest.partition(":")
    return KindBound(kind, _int(low, "--kind", text) if low else 0, _int(high, "--kind", text) if high else None)


def parse_region(text: str) -> RegionBound:
    """'011' (at least 1 member there) or '011:2'."""
    region, _, low = text.partition(":")
    return RegionBound(region, _int(low, "--region", text) if low else 1)


def parse_group(text: str) -> GroupSpec:
    """'GROUP' or 'GROUP:min' or 'GROUP:min:max' (partners this run adds)."""
    group, _, rest = text.partition(":")
    low, _, high = rest.partition(":")
    return GroupSpec(group, _int(low, "--group", text) if low else 0, _int(high, "--group", text) if high else None)


def parse_pair(text: str, option: str) -> tuple[str, str]:
    """'PARTNER:GROUP'."""
    partner, _, group = text.partition(":")
    if not partner or not group:
        raise _fail(f"{option}: {text!r} is not PARTNER:GROUP")
    return partner, group


def with_quotas(groups: list[GroupSpec], quotas: list[str], min_regions: list[str]) -> tuple[GroupSpec, ...]:
    """``groups`` with their quotas: 'GROUP:kind:min[:max]' (as ``--kind``) and 'GROUP:N' distinct regions; each
    GROUP must be one of ``groups``."""
    specs = {g.group_id: g for g in groups}

    def spec(text: str, option: str) -> tuple[str, str]:
        group, _, rest = text.partition(":")
        if group not in specs:
            raise _fail(f"{option}: group {group!r} is not among the --group options; give it with --group too")
        return group, rest

    for text in quotas:
        group, rest = spec(text, "--quota")
        specs[group] = dataclasses.replace(specs[group], kinds=(*specs[group].kinds, parse_kind(rest)))
    for text in min_regions:
        group, rest = spec(text, "--min-regions")
        specs[group] = dataclasses.replace(specs[group], min_regions=_int(rest, "--min-regions", text))
    return tuple(specs.values())


def _open() -> Matcher:
    from matcher.engine import Matcher
    from matcher.settings import Settings

    matcher = Matcher(Settings()).open()
    if matcher.store.counts()["partners"] == 0:
        raise _fail("the store is empty: run `matcher ingest DIR` first (e.g. `matcher ingest data/sample`)", 1)
    return matcher


def _to_json(value: Any) -> str:
    return json.dumps(dataclasses.asdict(value), ensure_ascii=False, indent=2)


@app.command()
def consortium(
    text: Annotated[str | None, typer.Option("--text", help="Describe the project")] = None,
    project: Annotated[str | None, typer.Option("--project", help="A stored project id (its members are in)")] = None,
    requester: Annotated[str | None, typer.Option("--requester", help="Your partner id (in the team)")] = None,
    size: Annotated[str, typer.Option("--size", help="Team size: 5 or 4:6 (fixed members count)")] = "5",
    kind: Annotated[list[str] | None, typer.Option("--kind", help="kind:min[:max], e.g. university:1:2")] = None,
    region: Annotated[list[str] | None, typer.Option("--region", help="M49 code or name[:min], e.g. 011:1")] = None,
    min_countries: Annotated[int, typer.Option("--min-countries", help="At least N distinct countries")] = 0,
    max_per_country: Annotated[int | None, typer.Option("--max-per-country", help="At most N per country")] = None,
    language: Annotated[list[str] | None, typer.Option("--language", help="A language to cover (ISO 639-1)")] = None,
    sdg: Annotated[list[int] | None, typer.Option("--sdg", help="An SDG to cover")] = None,
    include: Annotated[list[str] | None, typer.Option("--include", help="A partner in the team already")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="A partner to leave out")] = None,
    conflict: Annotated[list[str] | None, typer.Option("--conflict", help="ID1,ID2: not in the same team")] = None,
    candidates: Annotated[int, typer.Option("--candidates", help="Top suggestions to choose from")] = 100,
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds for the solver")] = 5.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Propose a whole team for a project, under constraints (kinds, countries, regions, languages, SDGs)."""
    from matcher.team.consortium import propose_consortium

    try:
        request = ConsortiumRequest(
            text=text,
            project_id=project,
            requester_id=requester,
            size=parse_size(size),
            constraints=Constraints(
                kinds=tuple(parse_kind(k) for k in kind or []),
                min_distinct_countries=min_countries,
                max_per_country=max_per_country,
                regions=tuple(parse_region(r) for r in region or []),
                languages=tuple(language or []),
                sdgs=tuple(sdg or []),
            ),
            include=tuple(include or []),
            exclude=tuple(exclude or []),
            conflicts=tuple(tuple(c.split(",", 1)) for c in conflict or []),  # type: ignore[misc]
            candidates=candidates,
            time_limit=time_limit,
        )
        matcher = _open()
        suppressed = matcher.suppressed(requester, project_id=project)
        proposal = propose_consortium(matcher.recommender, request, suppressed=suppressed)
    except TeamRequestError as exc:
        raise _fail(str(exc)) from None
    typer.echo(_to_json(proposal) if as_json else _consortium_text(proposal))


def _consortium_text(proposal: ConsortiumProposal) -> str:
    lines = []
    for rank, m in enumerate(proposal.members, start=1):
        score = f"score {m.score:.3f}" if m.score is not None else "not ranked"
        lines.append(f"{rank:2d}. {m.name} [{m.partner_id}] — {m.type or 'unknown kind'}, {m.country or '??'}  {score}")
        lines.append(f"      {m.role}" + (f"; brings: {', '.join(b.text for b in m.brings)}" if m.brings else ""))
        lines.extend(f"      · {reason}" for reason in m.reasons)
        if m.alternatives:
            lines.append("      alternatives: " + ", ".join(f"{a.name} [{a.partner_id}]" for a in m.alternatives))
    cov = proposal.coverage
    kinds = ", ".join(f"{n} {k}" for k, n in cov.kinds.items())
    lines.append(f"coverage: {kinds}; countries {' '.join(cov.countries)}; languages {' '.join(cov.languages)}")
    if proposal.binding:
        lines.append("binding: " + "; ".join(b.text for b in proposal.binding))
    state = "optimal" if proposal.optimal else "best found within the time limit (not proven optimal)"
    lines.append(f"objective {proposal.objective:.4f} ({state}), {proposal.candidates} candidates")
    return "\n".join(lines)


@app.command("assign-groups")
def assign_groups_command(
    partner: Annotated[list[str] | None, typer.Option("--partner", help="A partner (default: all free)")] = None,
    group: Annotated[list[str] | None, typer.Option("--group", help="GROUP[:min[:max]] (default: every group)")] = None,
    quota: Annotated[
        list[str] | None, typer.Option("--quota", help="GROUP:kind:min[:max], e.g. g1:youth_movement:2 (a --group)")
    ] = None,
    min_regions: Annotated[
        list[str] | None, typer.Option("--min-regions", help="GROUP:N distinct regions in the group (a --group)")
    ] = None,
    prefer: Annotated[list[str] | None, typer.Option("--prefer", help="PARTNER:GROUP, weighs more")] = None,
    avoid: Annotated[list[str] | None, typer.Option("--avoid", help="PARTNER:GROUP, never assigned")] = None,
    min_groups: Annotated[int, typer.Option("--min-groups", help="Groups each partner joins at least")] = 0,
    max_groups: Annotated[int, typer.Option("--max-groups", help="Groups each partner joins at most")] = 1,
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds for the solver")] = 5.0,
    apply: Annotated[bool, typer.Option("--apply", help="Write the memberships (default: a dry run)")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Assign partners (default: every discoverable partner in no group) to action groups."""
    from matcher.editor import Editor
    from matcher.team.assignment import apply_assignments, assign_groups

    try:
        request = AssignmentRequest(
            partners=tuple(partner or []),
            groups=with_quotas([parse_group(g) for g in group or []], quota or [], min_regions or []),
            min_groups_per_partner=min_groups,
            max_groups_per_partner=max_groups,
            preferences=tuple(parse_pair(p, "--prefer") for p in prefer or []),
            exclusions=tuple(parse_pair(p, "--avoid") for p in avoid or []),
            time_limit=time_limit,
        )
        matcher = _open()
        ids = [g.group_id for g in request.groups] or [g.id for g in matcher.recommender.catalog.groups]
        declined = {g: matcher.suppressed(None, group_id=g) for g in ids}
        proposal = assign_groups(matcher.recommender, request, suppressed=declined)
    except TeamRequestError as exc:
        raise _fail(str(exc)) from None
    if apply:
        proposal = apply_assignments(Editor(matcher), proposal)
    typer.echo(_to_json(proposal) if as_json else _assignment_text(proposal))


def _assignment_text(proposal: AssignmentProposal) -> str:
    lines = []
    for g in proposal.groups:
        kinds = ", ".join(f"{n} {k}" for k, n in g.kinds.items())
        lines.append(f"{g.name} [{g.group_id}]: {g.existing} members + {len(g.added)} = {g.size} ({kinds})")
        for a in proposal.assignments:
            if a.group_id == g.group_id:
                lines.append(f"   + {a.name} [{a.partner_id}] — {a.type or 'unknown kind'}, {a.country or '??'}  "
                             f"score {a.score:.3f}{'  (preferred)' if a.preferred else ''}")  # fmt: skip
    if proposal.unassigned:
        lines.append(f"unassigned: {', '.join(proposal.unassigned)}")
    if proposal.binding:
        lines.append("binding: " + "; ".join(b.text for b in proposal.binding))
    state = "optimal" if proposal.optimal else "best found within the time limit"
    lines.append(f"objective {proposal.objective:.4f} ({state}); " + ("written" if proposal.applied else "dry run"))
    return "\n".join(lines)
