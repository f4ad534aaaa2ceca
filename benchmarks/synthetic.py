"""A seeded synthetic alliance of any size, written as an import directory (``matcher ingest`` reads it).

    python -m benchmarks.synthetic /tmp/alliance-100k --partners 100000

Partners get a multi-sentence description (~60 words) composed from vocabulary lists: a main theme and a side
theme (each a few concrete phrases), audiences, activities, a place and a founding year. Projects (one per five
partners) draw 2-8 members, mostly partners sharing the project's theme, the first one as lead. About one partner
in ten joins an action group of its theme; 3% are not discoverable. The same seed always gives the same files.
"""

from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass
from pathlib import Path

# theme -> (phrases, SDGs, action group)
THEMES: dict[str, tuple[tuple[str, ...], tuple[int, ...], str]] = {
    "ocean": (
        ("ocean literacy", "coral reef monitoring", "marine biology", "mangrove restoration", "plastic-free coasts"),
        (14, 4),
        "blue-schools",
    ),
    "climate": (
        ("climate adaptation", "carbon literacy", "heatwave preparedness", "flood resilience", "climate education"),
        (13, 11),
        "teachers-for-the-planet",
    ),
    "energy": (
        ("solar microgrids", "energy efficiency in schools", "community energy", "clean cooking", "renewable skills"),
        (7, 13),
        "clean-energy-learning",
    ),
    "food": (
        ("school gardens", "urban agriculture", "nutrition education", "food waste reduction", "seed libraries"),
        (2, 12),
        "food-systems",
    ),
    "water": (
        ("safe drinking water", "sanitation in schools", "rainwater harvesting", "river restoration", "wash clubs"),
        (6, 3),
        "water-for-all",
    ),
    "health": (
        ("mental health support", "first aid training", "health literacy", "sport and wellbeing", "vaccine education"),
        (3, 4),
        "healthy-learners",
    ),
    "digital": (
        ("coding clubs", "digital literacy", "open educational resources", "online safety", "artificial intelligence"),
        (4, 9),
        "digital-futures",
    ),
    "gender": (
        ("girls in science", "women's leadership", "gender-based violence prevention", "menstrual health", "mentoring"),
        (5, 10),
        "girls-lead",
    ),
    "youth": (
        ("youth employment", "entrepreneurship training", "vocational skills", "youth councils", "apprenticeships"),
        (8, 4),
        "youth-empowerment",
    ),
    "inclusion": (
        ("inclusive education", "refugee learners", "disability rights", "sign language", "second-chance schooling"),
        (10, 4),
        "learning-for-all",
    ),
    "peace": (
        ("peace education", "conflict resolution", "civic participation", "human rights education", "media literacy"),
        (16, 4),
        "global-citizens",
    ),
    "biodiversity": (
        ("pollinator habitats", "urban forests", "wildlife monitoring", "citizen science", "nature schools"),
        (15, 13),
        "nature-based-learning",
    ),
    "cities": (
        (
            "sustainable mobility",
            "learning cities",
            "public space design",
            "affordable housing",
            "participatory budgets",
        ),
        (11, 17),
        "learning-cities",
    ),
    "circular": (
        ("circular economy", "repair cafes", "textile recycling", "zero waste campuses", "responsible consumption"),
        (12, 9),
        "circular-campus",
    ),
    "literacy": (
        ("early reading", "adult literacy", "mother-tongue education", "mobile libraries", "storytelling"),
        (4, 10),
        "reading-nations",
    ),
    "arts": (
        ("arts education", "cultural heritage", "music for social change", "community theatre", "creative industries"),
        (4, 11),
        "culture-and-learning",
    ),
}
AUDIENCES = (
    "primary school pupils",
    "secondary students",
    "teachers",
    "young women",
    "smallholder farmers",
    "municipal staff",
    "university students",
    "out-of-school youth",
    "parents",
    "community leaders",
    "migrants and refugees",
    "older adults",
    "early childhood educators",
    "local businesses",
    "indigenous communities",
)
ACTIVITIES = (
    "teacher training",
    "hands-on workshops",
    "a network of school clubs",
    "open online courses",
    "field research",
    "policy dialogue with ministries",
    "summer camps",
    "peer mentoring",
    "exchange visits",
    "toolkits and guides",
    "a yearly festival",
    "pilot projects with municipalities",
    "applied research",
    "hackathons",
    "radio programmes",
)
ACTIONS = ("We run", "We design", "We coordinate", "We offer", "We develop", "We support", "We co-create")
GOALS = (
    "to bring {a} to {aud}",
    "so that {aud} can lead on {a}",
    "to scale up {a} across the region",
    "to connect {aud} working on {a}",
    "to measure the impact of {a}",
)
KIND_WORDS = {
    "ngo": ("Trust", "Initiative", "Alliance"),
    "school": ("School", "Academy", "College"),
    "university": ("University", "Institute of Technology", "Polytechnic"),
    "city": ("City Council", "Municipality", "Metropolitan Area"),
    "company": ("Ltd", "Labs", "Solutions"),
    "foundation": ("Foundation", "Fund", "Endowment"),
    "research_centre": ("Research Centre", "Observatory", "Lab"),
    "youth_movement": ("Youth Movement", "Youth Network", "Young Leaders"),
    "social_enterprise": ("Cooperative", "Social Enterprise", "Collective"),
    "network": ("Network", "Platform", "Hub"),
    "public_actor": ("Ministry Office", "Agency", "Department"),
    "media": ("Media", "Radio", "Press"),
}
KIND_LABEL = {
    "ngo": "non-profit organisation",
    "school": "school",
    "university": "university",
    "city": "local government",
    "company": "company",
    "foundation": "foundation",
    "research_centre": "research centre",
    "youth_movement": "youth movement",
    "social_enterprise": "social enterprise",
    "network": "network",
    "public_actor": "public agency",
    "media": "media organisation",
}
ADJECTIVES = (
    "Green",
    "Blue",
    "Bright",
    "Open",
    "New",
    "Rising",
    "Shared",
    "Global",
    "Future",
    "Common",
    "Living",
    "Bold",
    "Northern",
    "Southern",
    "Coastal",
    "Highland",
    "River",
    "Sunrise",
    "Evergreen",
    "United",
)
NOUNS = (
    "Horizons",
    "Roots",
    "Bridges",
    "Pathways",
    "Seeds",
    "Voices",
    "Waves",
    "Sparks",
    "Commons",
    "Compass",
    "Harbour",
    "Orchard",
    "Lantern",
    "Circle",
    "Tide",
    "Meadow",
    "Summit",
    "Atlas",
    "Beacon",
    "Canopy",
)
# (country, languages, cities)
PLACES = (
    ("FR", "fr", ("Lyon", "Nantes", "Lille")),
    ("KE", "en;sw", ("Nairobi", "Kisumu", "Mombasa")),
    ("BR", "pt", ("Recife", "Curitiba", "Belém")),
    ("IN", "en;hi", ("Pune", "Kochi", "Jaipur")),
    ("MX", "es", ("Puebla", "Mérida", "Oaxaca")),
    ("NG", "en", ("Lagos", "Ibadan", "Enugu")),
    ("DE", "de;en", ("Leipzig", "Bremen", "Freiburg")),
    ("US", "en;es", ("Austin", "Detroit", "Tucson")),
    ("PH", "en;tl", ("Cebu", "Davao", "Iloilo")),
    ("MA", "ar;fr", ("Rabat", "Fès", "Agadir")),
    ("CO", "es", ("Medellín", "Cali", "Barranquilla")),
    ("ZA", "en", ("Durban", "Gqeberha", "Polokwane")),
    ("ES", "es;ca", ("Valencia", "Bilbao", "Sevilla")),
    ("ID", "id", ("Bandung", "Surabaya", "Makassar")),
    ("GB", "en", ("Leeds", "Bristol", "Glasgow")),
    ("SN", "fr;wo", ("Dakar", "Thiès", "Ziguinchor")),
    ("AU", "en", ("Cairns", "Hobart", "Perth")),
    ("JP", "ja;en", ("Sendai", "Fukuoka", "Kobe")),
    ("EG", "ar;en", ("Alexandria", "Aswan", "Giza")),
    ("CA", "en;fr", ("Halifax", "Winnipeg", "Québec")),
    ("IT", "it", ("Bologna", "Torino", "Bari")),
    ("FJ", "en", ("Suva", "Lautoka", "Nadi")),
    ("PE", "es;qu", ("Cusco", "Arequipa", "Trujillo")),
    ("VN", "vi", ("Hue", "Da Nang", "Can Tho")),
)
PROJECT_WORDS = ("Pathways to", "Together for", "Schools for", "Labs of", "Voices of", "Atlas of", "Bridges for")


@dataclass(frozen=True, slots=True)
class SyntheticCounts:
    partners: int
    projects: int
    action_groups: int
    project_members: int
    group_members: int


def _description(rng: random.Random, name: str, kind: str, theme: str, side: str, place: tuple[str, str]) -> str:
    phrases, side_phrases = THEMES[theme][0], THEMES[side][0]
    a, b = rng.sample(phrases, 2)
    aud1, aud2 = rng.sample(AUDIENCES, 2)
    act1, act2 = rng.sample(ACTIVITIES, 2)
    goal = rng.choice(GOALS).format(a=a, aud=aud1)
    sentences = [
        f"{name} is a {KIND_LABEL[kind]} based in {place[0]}, founded in {rng.randint(1950, 2022)}.",
        f"{rng.choice(ACTIONS)} {act1} on {a} and {b}, {goal}.",
        f"Our work with {aud2} includes {act2} {rng.choice(('about', 'on', 'linking'))} {rng.choice(side_phrases)}.",
    ]
    if rng.random() < 0.6:
        sentences.append(
            f"We are looking for partners in {rng.choice(phrases)} and {rng.choice(side_phrases)} "
            f"to {rng.choice(('share methods', 'co-design projects', 'host exchanges', 'publish research'))}."
        )
    return " ".join(sentences)


def generate(directory: str | Path, *, partners: int = 10_000, seed: int = 0) -> SyntheticCounts:
    """Write ``partners.csv``, ``projects.csv``, ``action_groups.csv``, ``project_members.csv`` and
    ``group_members.csv`` for ``partners`` partners into ``directory`` (created); return the counts written."""
    if partners < 10:
        raise ValueError(f"partners must be at least 10, got {partners}")
    rng = random.Random(seed)
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    themes = list(THEMES)
    kinds = list(KIND_WORDS)
    by_theme: dict[str, list[str]] = {t: [] for t in themes}
    theme_of: dict[str, str] = {}
    with open(root / "partners.csv", "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "name", "type", "country", "city", "languages", "description", "sdgs", "discoverable"])
        for i in range(partners):
            pid = f"p{i:07d}"
            theme, side = rng.sample(themes, 2)
            kind = rng.choice(kinds)
            country, langs, cities = rng.choice(PLACES)
            city = rng.choice(cities)
            name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {rng.choice(KIND_WORDS[kind])} {city}"
            text = _description(rng, name, kind, theme, side, (city, country))
            sdgs = sorted(set(THEMES[theme][1]) | set(rng.sample(THEMES[side][1], 1)))
            visible = "false" if rng.random() < 0.03 else "true"
            out.writerow([pid, name, kind, country, city, langs, text, ";".join(map(str, sdgs)), visible])
            by_theme[theme].append(pid)
            theme_of[pid] = theme
    all_ids = list(theme_of)
    n_projects = max(2, partners // 5)
    n_members = 0
    with (
        open(root / "projects.csv", "w", newline="", encoding="utf-8") as projects_file,
        open(root / "project_members.csv", "w", newline="", encoding="utf-8") as members_file,
    ):
        projects_out, members_out = csv.writer(projects_file), csv.writer(members_file)
        projects_out.writerow(["id", "title", "description", "sdgs", "status", "seeking", "start_date"])
        members_out.writerow(["project_id", "partner_id", "role"])
        for j in range(n_projects):
            theme = rng.choice(themes)
            phrases, goals, _ = THEMES[theme]
            a, b = rng.sample(phrases, 2)
            title = f"{rng.choice(PROJECT_WORDS)} {a.title()} {j}"
            description = (
                f"A {rng.randint(1, 4)}-year project on {a} with {rng.choice(AUDIENCES)}. "
                f"Partners combine {rng.choice(ACTIVITIES)} and {rng.choice(ACTIVITIES)} to advance {b}."
            )
            seeking = f"a partner experienced in {rng.choice(phrases)}" if rng.random() < 0.5 else ""
            start = f"{rng.randint(2012, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            status = rng.choice(("idea", "running", "running", "completed", "completed"))
            projects_out.writerow(
                [f"proj{j:06d}", title, description, ";".join(map(str, goals)), status, seeking, start]
            )
            size = rng.randint(2, 8)
            pool = by_theme[theme] or all_ids
            drawn = [rng.choice(pool) if rng.random() < 0.8 else rng.choice(all_ids) for _ in range(size)]
            for k, pid in enumerate(dict.fromkeys(drawn)):  # distinct, in drawing order: the first one leads
                members_out.writerow([f"proj{j:06d}", pid, "lead" if k == 0 else "member"])
                n_members += 1
    groups = sorted({spec[2] for spec in THEMES.values()})
    with open(root / "action_groups.csv", "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "name", "description"])
        for phrases, _, group in THEMES.values():
            name = group.replace("-", " ").title()
            out.writerow([group, name, f"A community of practice on {', '.join(phrases[:3])} and {phrases[3]}."])
    n_group_members = 0
    with open(root / "group_members.csv", "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["group_id", "partner_id"])
        for pid in all_ids:
            if rng.random() < 0.1:
                out.writerow([THEMES[theme_of[pid]][2], pid])
                n_group_members += 1
    return SyntheticCounts(partners, n_projects, len(groups), n_members, n_group_members)


def query_texts(n: int, *, seed: int = 0) -> list[str]:
    """``n`` distinct free-text collaborator queries in the alliance's vocabulary (what a partner would type)."""
    rng = random.Random(seed)
    openings = ("We are starting", "Our school plans", "We want to scale up", "Looking to build", "We are designing")
    out: dict[str, None] = {}
    while len(out) < n:
        theme, side = rng.sample(list(THEMES), 2)
        phrase, other = rng.choice(THEMES[theme][0]), rng.choice(THEMES[side][0])
        kind = rng.choice(list(KIND_LABEL.values()))
        city = rng.choice(rng.choice(PLACES)[2])
        text = (
            f"{rng.choice(openings)} a project on {phrase} with {rng.choice(AUDIENCES)} near {city}; "
            f"we need a {kind} with experience in {other}."
        )
        out[text] = None
    return list(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(generate(args.directory, partners=args.partners, seed=args.seed))


if __name__ == "__main__":
    main()
