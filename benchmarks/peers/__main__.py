"""Ingest a synthetic alliance into a peer, or serve a saved peer over HTTP (each its own process, as the
benchmark runs them):

    python -m benchmarks.peers ingest naive /tmp/alliance-100000 /tmp/peer-naive
    python -m benchmarks.peers serve naive /tmp/peer-naive --port 8801
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

from benchmarks.peers import PEER_NAMES, create_peer


def read_partners(directory: Path) -> tuple[list[str], list[str]]:
    """Ids and texts of ``partners.csv`` in an import directory; a partner's text is the one the matcher embeds for
    it (``Partner.text``: name, then description)."""
    ids, texts = [], []
    with open(directory / "partners.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            ids.append(row["id"])
            texts.append(f"{row['name']}. {row.get('description') or ''}")
    return ids, texts


def ingest(name: str, data: Path, out: Path) -> dict[str, float]:
    started = time.perf_counter()
    peer = create_peer(name)
    loaded = time.perf_counter()
    ids, texts = read_partners(data)
    peer.ingest(ids, texts)
    peer.save(out)
    done = time.perf_counter()
    return {"partners": len(ids), "model_load_s": loaded - started, "embed_index_save_s": done - loaded}


def serve(name: str, directory: Path, port: int) -> None:
    import uvicorn

    from benchmarks.peers.app import create_app

    uvicorn.run(create_app(create_peer(name, directory)), host="127.0.0.1", port=port, log_level="warning")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("ingest", help="embed and index an import directory's partners, save the peer")
    one.add_argument("peer", choices=PEER_NAMES)
    one.add_argument("data", type=Path)
    one.add_argument("out", type=Path)
    two = commands.add_parser("serve", help="serve a saved peer with uvicorn")
    two.add_argument("peer", choices=PEER_NAMES)
    two.add_argument("directory", type=Path)
    two.add_argument("--port", type=int, default=8801)
    args = parser.parse_args(argv)
    if args.command == "ingest":
        print(json.dumps(ingest(args.peer, args.data, args.out)))
    else:
        serve(args.peer, args.directory, args.port)


if __name__ == "__main__":
    main()
