"""A corpus with a known answer: four topic blobs on orthogonal axes, with texts, regions, kinds and languages.

- ``ocean``, ``garden``, ``stem``, ``teachers``: 12 documents each (10 partners + 2 projects), vectors ``axis + noise``.
- Two French documents per blob (six in all, in ocean/garden/stem) carry a shared "French" offset, as an English-centred
  encoder gives French texts: without language centring they would gather by language.
- ``stray``: a garden partner pulled away from its blob (below the blob's Tukey fence, above ``min_similarity``): noise
  for KMeans, assigned back to garden.
- ``lost``: a partner on an axis of its own, near no theme: the one outlier.
- ``bridge``: a partner halfway between ocean and garden.
- ``centre-<topic>``: a partner exactly on its blob's axis: the most representative.
- Regions: ocean partners in Oceania and Western Europe; garden partners only in Western Europe; stem and teachers in
  both. So "garden × Oceania" is the one coverage gap.
"""

from __future__ import annotations

import numpy as np

from matcher.themes.corpus import ThemeCorpus

DIM = 48
TOPICS = {
    "ocean": (0, "coral reef ocean literacy marine"),
    "garden": (1, "school garden compost nutrition"),
    "stem": (2, "girls coding robotics engineers"),
    "teachers": (3, "teacher wellbeing burnout mentoring"),
}
FRENCH = {
    "ocean": "Nous enseignons les récifs coralliens et la mer dans les écoles avec des kits marine ocean.",
    "garden": "Nous créons des jardins scolaires pour les élèves avec le compost garden et la nutrition.",
    "stem": "Nous formons des filles au codage et à la robotique avec des ingénieures girls coding.",
}
FRENCH_AXIS = 10
LOST_AXIS = 20
FILLER = ["we work with schools and communities", "our network supports education projects", "partners across regions"]


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def make_corpus(*, seed: int = 0, drop: frozenset[str] = frozenset(), extra_topic: bool = False) -> ThemeCorpus:
    """The corpus of the module docstring; ``drop`` leaves documents out, ``extra_topic`` adds a fifth blob."""
    rng = np.random.default_rng(seed)
    ids, texts, vectors, kinds, regions, types = [], [], [], [], [], []

    def add(doc_id: str, text: str, vector: np.ndarray, kind: str = "partner", region: str | None = None) -> None:
        if doc_id in drop:
            return
        ids.append(doc_id)
        texts.append(text)
        vectors.append(_unit(vector))
        kinds.append(kind)
        regions.append(region if kind == "partner" else None)
        types.append("ngo" if kind == "partner" else None)

    topics = dict(TOPICS)
    if extra_topic:
        topics["radio"] = (4, "radio podcast broadcasts audio")
    for topic, (axis, words) in topics.items():
        base = np.zeros(DIM)
        base[axis] = 1.0
        for i in range(12):
            kind = "project" if i >= 10 else "partner"
            region = "Western Europe" if topic == "garden" or i % 2 else "Oceania"
            french = topic in FRENCH and i in (8, 9)
            vector = base + rng.normal(scale=0.08, size=DIM)
            if french:
                vector[FRENCH_AXIS] += 0.9
                text = FRENCH[topic]
            else:
                text = f"{words} {FILLER[i % 3]} {' '.join(rng.permutation(words.split())[:2])}"
            add(f"{topic}-{i:02d}", text, vector, kind, region)
        add(f"centre-{topic}", f"{words} {FILLER[0]}", base.copy(), "partner", "Western Europe")
    stray = np.zeros(DIM)
    stray[1], stray[30] = 0.6, 0.8  # cosine 0.6 with the garden axis
    add("stray", "school garden compost and many other things", stray, region="Western Europe")
    lost = np.zeros(DIM)
    lost[LOST_AXIS] = 1.0
    add("lost", "accounting software licences", lost, region="Oceania")
    bridge = np.zeros(DIM)
    bridge[0] = bridge[1] = 1.0
    add("bridge", "ocean and garden: marine compost from seaweed for school gardens", bridge, region="Oceania")
    return ThemeCorpus.from_arrays(
        np.array(vectors), texts, ids, kinds=kinds, names=[i.upper() for i in ids], types=types, regions=regions
    )


def shuffled(corpus: ThemeCorpus, seed: int) -> ThemeCorpus:
    order = np.random.default_rng(seed).permutation(len(corpus))
    return ThemeCorpus(corpus.frame.iloc[order].reset_index(drop=True), corpus.vectors[order], corpus.space)
