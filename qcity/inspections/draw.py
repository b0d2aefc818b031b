"""The draw algorithm, pure Python and free of Django, so anyone can re-run a draw from its record.

Algorithm `qcity-draw/1` (what `verify` re-runs; never change it, add a new version instead):

* Random numbers: the byte stream SHAKE-256("qcity-draw/1|<seed>|<label>"), read as consecutive
  little-endian unsigned 64-bit integers. `below(n)` takes the next integer x, rejects it while
  x ≥ 2^64 − (2^64 mod n), and returns x mod n (no modulo bias).
* Targets: for each stratum s in a, b, c, d, the members sorted by enterprise id, and k_s from the
  record, a partial Fisher–Yates shuffle with the stream labelled "stratum:<s>": for i in 0…k−1,
  j = i + below(N − i), swap positions i and j; the first k positions, in that order, are the sample.
* Items: for each plan item in code order with ratio r (%), m = ceil(r × n / 100) of the n drawn
  targets (sorted by enterprise id) by the same shuffle, stream "item:<code>".
* Inspectors: for each drawn target in enterprise-id order, the candidates are the inspectors of the
  inspector snapshot (sorted by id) whose org unit path is a prefix of the target's (their unit covers
  it), who are qualified for every item of the target and have declared no conflict with it (回避);
  `per_target` of them by the same shuffle, stream "inspectors:<enterprise id>".

Algorithm `qcity-draw/2` (new draws): `qcity-draw/1` with the random streams unchanged (still prefixed
"qcity-draw/1") except the item step, which respects where an item applies:

* Items: each plan item is (code, ratio r %, industry-code prefixes P). Its eligible targets are the drawn
  targets (sorted by enterprise id) whose industry code, as frozen in the record (`target_industries`),
  starts with one of P, or all of them when P is empty; m = ceil(r × e / 100) of the e eligible targets by
  the same shuffle, stream "item:<code>". A food-safety item is never drawn for a software firm.

Pool snapshot format `qcity-pool/1` (the bytes the snapshot hash is taken over): the ASCII line
"QCITY-POOL/1\\n", then for each stratum a…d: the letter, a uint32 count, and that many uint32
enterprise ids in ascending order (all integers little-endian).
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
import sys
import zlib
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

ALGORITHM_VERSION = "qcity-draw/2"
VERSIONS = ("qcity-draw/1", "qcity-draw/2")  # what `verify` re-runs
_STREAM_PREFIX = "qcity-draw/1"  # both versions draw from the same streams
SNAPSHOT_FORMAT = "qcity-pool/1"
RECORD_FORMAT = "qcity-draw-record/1"
STRATA = ("a", "b", "c", "d")
_MAGIC = b"QCITY-POOL/1\n"
_TWO64 = 1 << 64


# --- pool snapshot ------------------------------------------------------------------------------------


def _ids(values: Iterable[int]) -> array:
    out = array("I", values)
    if sys.byteorder != "little":
        out.byteswap()
    return out


def snapshot_encode(members: Mapping[str, Iterable[int]]) -> bytes:
    """Canonical bytes of a pool: members per stratum, each list sorted here."""
    parts = [_MAGIC]
    for stratum in STRATA:
        ids = _ids(sorted(members.get(stratum, ())))
        parts.append(stratum.encode() + struct.pack("<I", len(ids)))
        parts.append(ids.tobytes())
    return b"".join(parts)


class SnapshotError(ValueError):
    pass


def snapshot_decode(data: bytes) -> dict[str, array]:
    """Members per stratum from canonical bytes (or their zlib compression, as stored)."""
    if not data.startswith(_MAGIC):
        try:
            data = zlib.decompress(data)
        except zlib.error as exc:
            raise SnapshotError("not a qcity-pool/1 snapshot") from exc
        if not data.startswith(_MAGIC):
            raise SnapshotError("not a qcity-pool/1 snapshot")
    members, offset = {}, len(_MAGIC)
    for stratum in STRATA:
        if data[offset:offset + 1] != stratum.encode():
            raise SnapshotError(f"stratum {stratum} missing at byte {offset}")
        (count,) = struct.unpack_from("<I", data, offset + 1)
        offset += 5
        chunk = data[offset:offset + 4 * count]
        if len(chunk) != 4 * count:
            raise SnapshotError(f"stratum {stratum} truncated")
        ids = array("I")
        ids.frombytes(chunk)
        if sys.byteorder != "little":
            ids.byteswap()
        members[stratum] = ids
        offset += 4 * count
    if offset != len(data):
        raise SnapshotError("trailing bytes after stratum d")
    return members


def canonical_bytes(data: bytes) -> bytes:
    return data if data.startswith(_MAGIC) else zlib.decompress(data)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def json_canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# --- random stream and shuffle ---------------------------------------------------------------------


class Stream:
    """SHAKE-256 output as little-endian uint64s; the prefix of an XOF output does not depend on the
    length asked for, so fetching more (doubling) never changes the numbers already read."""

    def __init__(self, seed: str, label: str, expected: int = 8):
        self._xof = hashlib.shake_256(f"{_STREAM_PREFIX}|{seed}|{label}".encode())
        self._numbers: tuple[int, ...] = ()
        self._pos = 0
        self._fetch(max(8, expected))

    def _fetch(self, n: int) -> None:
        self._numbers = struct.unpack(f"<{n}Q", self._xof.digest(8 * n))

    def next(self) -> int:
        if self._pos >= len(self._numbers):
            self._fetch(2 * len(self._numbers))
        value = self._numbers[self._pos]
        self._pos += 1
        return value

    def below(self, n: int) -> int:
        limit = _TWO64 - _TWO64 % n
        while True:
            value = self.next()
            if value < limit:
                return value % n


def shuffle_prefix(members: Sequence[int], k: int, stream: Stream) -> list[int]:
    """The first k positions of a Fisher–Yates shuffle of `members`, without copying the sequence
    (positions that moved are kept in a dict), so a sample of 1 % of 1.5 million stays fast."""
    n = len(members)
    moved: dict[int, int] = {}
    out = []
    for i in range(k):
        j = i + stream.below(n - i)
        at_j = moved.get(j, j)
        moved[j] = moved.get(i, i)
        out.append(members[at_j])
    return out


def sample_size(n: int, *, ratio: Decimal | str | float, count: int | None) -> int:
    """A fixed count if the plan sets one, else ceil(ratio % × n)."""
    if count is not None:
        return int(count)
    return math.ceil(Decimal(str(ratio)) * n / 100)


# --- the draw ---------------------------------------------------------------------------------------


def draw_targets(members: Mapping[str, Sequence[int]], sample_sizes: Mapping[str, int], seed: str) -> dict[str, list[int]]:
    """Per stratum, the drawn enterprise ids in draw order. Members must be sorted ascending."""
    out = {}
    for stratum in STRATA:
        k = int(sample_sizes.get(stratum, 0))
        pool = members.get(stratum, ())
        if k > len(pool):
            raise ValueError(f"stratum {stratum}: sample {k} larger than pool {len(pool)}")
        out[stratum] = shuffle_prefix(pool, k, Stream(seed, f"stratum:{stratum}", k + 16))
    return out


def item_applies(industry_code: str, prefixes: Sequence[str]) -> bool:
    """Whether an item with these industry-code prefixes applies to an enterprise (no prefixes: to all)."""
    return not prefixes or (industry_code or "").startswith(tuple(prefixes))


def draw_items(targets: Sequence[int], item_ratios: Sequence[Sequence], seed: str,
               industries: Mapping[int, str] | None = None) -> dict[int, list[str]]:
    """Item codes per drawn target (targets sorted ascending). `item_ratios` as (code, ratio %) — every
    target eligible (qcity-draw/1) — or (code, ratio %, industry prefixes) with `industries` the targets'
    industry codes (qcity-draw/2): each item drawn among the targets it applies to."""
    chosen: dict[int, list[str]] = {t: [] for t in targets}
    industries = industries or {}
    for entry in sorted(item_ratios, key=lambda e: e[0]):
        code, ratio = entry[0], entry[1]
        prefixes = tuple(entry[2]) if len(entry) > 2 else ()
        eligible = [t for t in targets if item_applies(industries.get(t, ""), prefixes)] if prefixes else targets
        m = sample_size(len(eligible), ratio=ratio, count=None)
        m = min(m, len(eligible))
        for target in shuffle_prefix(eligible, m, Stream(seed, f"item:{code}", m + 16)):
            chosen[target].append(code)
    for codes in chosen.values():
        codes.sort()
    return chosen


@dataclass
class InspectorShortfall:
    enterprise_id: int
    candidates: int


def draw_inspectors(target_items: Mapping[int, Sequence[str]], snapshot: Mapping, per_target: int,
                    seed: str) -> tuple[dict[int, list[int]], list[InspectorShortfall]]:
    """Inspector ids per target, and the targets that have fewer than `per_target` candidates.

    `snapshot`: {"inspectors": [{"id", "org_unit", "items": [codes]}], "conflicts": [[inspector id,
    enterprise id]], "target_units": {enterprise id (str): org unit path}}.
    """
    inspectors = sorted(snapshot["inspectors"], key=lambda i: i["id"])
    qualified = [(i["id"], i["org_unit"], frozenset(i["items"])) for i in inspectors]
    conflicts: dict[int, set[int]] = {}
    for inspector_id, enterprise_id in snapshot["conflicts"]:
        conflicts.setdefault(int(enterprise_id), set()).add(int(inspector_id))
    units = {int(k): v for k, v in snapshot["target_units"].items()}
    base: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    teams, short = {}, []
    for target in sorted(target_items):
        items = tuple(sorted(target_items[target]))
        path = units.get(target)
        if path is None:
            short.append(InspectorShortfall(target, 0))
            continue
        key = (path, items)
        if key not in base:
            needed = frozenset(items)
            base[key] = [i for i, unit, can in qualified if path.startswith(unit) and needed <= can]
        recused = conflicts.get(target)
        candidates = [i for i in base[key] if i not in recused] if recused else base[key]
        if len(candidates) < per_target:
            short.append(InspectorShortfall(target, len(candidates)))
            continue
        teams[target] = shuffle_prefix(candidates, per_target, Stream(seed, f"inspectors:{target}", per_target + 8))
    return teams, short


# --- verification --------------------------------------------------------------------------------------


@dataclass
class Verification:
    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(passed for _, passed, _ in self.checks)

    def add(self, name: str, passed: bool, detail: str = "") -> bool:
        self.checks.append((name, passed, detail))
        return passed

    def as_dict(self) -> dict:
        return {"ok": self.ok, "checks": [{"check": n, "ok": p, "detail": d} for n, p, d in self.checks]}


def verify(record: Mapping, snapshot: bytes) -> Verification:
    """Re-run the draw of `record` (the public or the full draw record JSON) on the pool snapshot file
    and compare every step with what the record says was drawn."""
    result = Verification()
    version = record.get("algorithm_version")
    if not result.add("algorithm", version in VERSIONS,
                      f"record uses {version!r}, this verifier {', '.join(VERSIONS)}"):
        return result
    try:
        canonical = canonical_bytes(snapshot)
        members = snapshot_decode(canonical)
    except (SnapshotError, zlib.error, struct.error) as exc:
        result.add("snapshot format", False, str(exc))
        return result
    digest = sha256_hex(canonical)
    if not result.add("snapshot hash", digest == record["snapshot_sha256"],
                      f"file {digest}, record {record['snapshot_sha256']}"):
        return result
    sizes = {s: len(members[s]) for s in STRATA}
    recorded_sizes = {s: int(record["stratum_sizes"].get(s, 0)) for s in STRATA}
    if not result.add("stratum sizes", sizes == recorded_sizes, f"snapshot {sizes}, record {recorded_sizes}"):
        return result
    seed = record["seed"]
    try:
        drawn = draw_targets(members, {s: int(record["sample_sizes"].get(s, 0)) for s in STRATA}, seed)
    except ValueError as exc:
        result.add("targets", False, str(exc))
        return result
    selection = {int(row["enterprise_id"]): row for row in record["selection"]}
    again = sorted(t for s in STRATA for t in drawn[s])
    if not result.add("targets", again == sorted(selection),
                      f"{len(again)} re-drawn, {len(selection)} in the record, "
                      f"{len(set(again) ^ set(selection))} differ"):
        return result
    if "strata" in record:
        result.add("draw order per stratum", all(drawn[s] == [int(t) for t in record["strata"].get(s, [])]
                                                 for s in STRATA))
    if version == "qcity-draw/1":
        items = draw_items(again, [(code, ratio) for code, ratio in record["item_ratios"]], seed)
    else:
        industries = {int(k): v for k, v in record.get("target_industries", {}).items()}
        items = draw_items(again, record["item_ratios"], seed, industries)
    result.add("items", all(items.get(t) == sorted(row.get("items", [])) for t, row in selection.items()))
    inspector_snapshot = record.get("inspector_snapshot")
    if inspector_snapshot is None:
        result.add("inspectors", True, "not checked: the public record leaves out the inspector snapshot "
                                       "(declared conflicts); verify with the full record")
        return result
    digest = sha256_hex(json_canonical(inspector_snapshot))
    if not result.add("inspector snapshot hash", digest == record["inspector_snapshot_sha256"],
                      f"computed {digest}, record {record['inspector_snapshot_sha256']}"):
        return result
    teams, short = draw_inspectors(items, inspector_snapshot, int(record["inspectors_per_target"]), seed)
    result.add("inspectors", not short and all(teams.get(t) == [int(i) for i in row.get("inspector_ids", [])]
                                               for t, row in selection.items()),
               f"{len(short)} targets short of inspectors" if short else "")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """`python qcity/inspections/draw.py RECORD.json SNAPSHOT.bin`: verify with nothing but Python."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: draw.py RECORD.json SNAPSHOT.bin", file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as handle:
        record = json.load(handle)
    with open(args[1], "rb") as handle:
        outcome = verify(record, handle.read())
    for name, passed, detail in outcome.checks:
        print(f"{'OK  ' if passed else 'FAIL'} {name}" + (f" — {detail}" if detail else ""))
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    sys.exit(main())
