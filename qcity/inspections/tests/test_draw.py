"""The draw algorithm alone (no database): fairness, reproducibility, the snapshot format."""

import math
import zlib

import pytest

from qcity.inspections import draw as algorithm

# chi-square critical values at α = 0.001 (table values, e.g. NIST/SEMATECH e-Handbook 1.3.6.7.4)
CHI2_CRITICAL_0_001 = {4: 18.467, 9: 27.877, 19: 43.820, 29: 58.301}


def wilson_hilferty(df: int, z: float = 3.0902) -> float:
    """Chi-square quantile approximation, to check the table values above (z = Φ⁻¹(0.999))."""
    a = 2 / (9 * df)
    return df * (1 - a + z * math.sqrt(a)) ** 3


def chi_square(counts: list[int], expected: float) -> float:
    return sum((c - expected) ** 2 / expected for c in counts)


def test_critical_values_match_the_approximation():
    for df, value in CHI2_CRITICAL_0_001.items():
        assert abs(wilson_hilferty(df) - value) / value < 0.02


def test_within_a_stratum_every_member_is_equally_likely():
    # given a stratum of 20 members and 2,000 draws of 5 with different seeds
    members = list(range(100, 120))
    counts = dict.fromkeys(members, 0)
    draws, k = 2_000, 5
    for n in range(draws):
        for chosen in algorithm.draw_targets({"c": members}, {"c": k}, f"fair-{n}")["c"]:
            counts[chosen] += 1
    # then the selection frequencies pass a chi-square test of uniformity
    statistic = chi_square(list(counts.values()), draws * k / len(members))
    assert statistic < CHI2_CRITICAL_0_001[len(members) - 1], statistic


def test_draw_order_positions_are_uniform_too():
    # the first position of the sample is each member equally often (the shuffle is unbiased, not only the set)
    members = list(range(10))
    firsts = dict.fromkeys(members, 0)
    for n in range(3_000):
        firsts[algorithm.draw_targets({"a": members}, {"a": 3}, f"pos-{n}")["a"][0]] += 1
    assert chi_square(list(firsts.values()), 300) < CHI2_CRITICAL_0_001[9]


def test_strata_are_drawn_independently_with_their_own_sizes():
    members = {"a": list(range(0, 50)), "b": list(range(50, 100)), "c": list(range(100, 130)), "d": [200, 201]}
    drawn = algorithm.draw_targets(members, {"a": 1, "b": 5, "c": 10, "d": 2}, "s")
    assert [len(drawn[s]) for s in "abcd"] == [1, 5, 10, 2]
    for s in "abcd":
        assert set(drawn[s]) <= set(members[s]) and len(set(drawn[s])) == len(drawn[s])


def test_inspectors_are_drawn_uniformly_among_the_candidates():
    # given 6 qualified inspectors of the city and 3,000 targets in one district
    snapshot = {"inspectors": [{"id": i, "org_unit": "/1/", "items": ["X"]} for i in range(1, 7)],
                "conflicts": [], "target_units": {str(t): "/1/5/" for t in range(3_000)}}
    teams, short = algorithm.draw_inspectors({t: ["X"] for t in range(3_000)}, snapshot, 2, "insp")
    assert not short
    counts = dict.fromkeys(range(1, 7), 0)
    for team in teams.values():
        assert len(set(team)) == 2
        for i in team:
            counts[i] += 1
    assert chi_square(list(counts.values()), 1_000) < CHI2_CRITICAL_0_001[4]


def test_inspector_rules_recusal_unit_and_qualification():
    snapshot = {
        "inspectors": [
            {"id": 1, "org_unit": "/1/5/", "items": ["X", "Y"]},
            {"id": 2, "org_unit": "/1/5/", "items": ["X", "Y"]},
            {"id": 3, "org_unit": "/1/5/", "items": ["X"]},       # not qualified for Y
            {"id": 4, "org_unit": "/1/6/", "items": ["X", "Y"]},  # another district
            {"id": 5, "org_unit": "/1/", "items": ["X", "Y"]},    # the city covers every district
        ],
        "conflicts": [[5, 10]],
        "target_units": {"10": "/1/5/", "11": "/1/5/"},
    }
    teams, short = algorithm.draw_inspectors({10: ["X", "Y"], 11: ["X", "Y"]}, snapshot, 2, "rules")
    assert set(teams[10]) == {1, 2}  # 3 unqualified, 4 elsewhere, 5 recused
    assert set(teams[11]) <= {1, 2, 5}
    _, short = algorithm.draw_inspectors({10: ["X", "Y"]}, snapshot, 3, "rules")
    assert [(s.enterprise_id, s.candidates) for s in short] == [(10, 2)]


def test_same_seed_same_selection_other_seed_other_selection():
    members = {"b": list(range(1_000))}
    one = algorithm.draw_targets(members, {"b": 30}, "seed-1")
    assert one == algorithm.draw_targets(members, {"b": 30}, "seed-1")
    assert one != algorithm.draw_targets(members, {"b": 30}, "seed-2")


def test_known_answer_pins_the_algorithm():
    # if this changes, published records no longer verify: add a new ALGORITHM_VERSION instead
    assert algorithm.draw_targets({"a": list(range(1, 101))}, {"a": 5}, "qcity")["a"] == KNOWN_ANSWER


KNOWN_ANSWER = [79, 26, 46, 20, 91]


def test_sample_larger_than_stratum_is_refused():
    with pytest.raises(ValueError, match="stratum c"):
        algorithm.draw_targets({"c": [1, 2]}, {"c": 3}, "x")


def test_snapshot_round_trip_hash_and_compression():
    members = {"a": [5, 3, 1], "b": [], "c": [2**32 - 1], "d": [7]}
    canonical = algorithm.snapshot_encode(members)
    assert canonical.startswith(b"QCITY-POOL/1\n")
    decoded = algorithm.snapshot_decode(zlib.compress(canonical))
    assert {s: list(v) for s, v in decoded.items()} == {"a": [1, 3, 5], "b": [], "c": [2**32 - 1], "d": [7]}
    assert algorithm.sha256_hex(canonical) == algorithm.sha256_hex(algorithm.snapshot_encode(decoded))
    with pytest.raises(algorithm.SnapshotError):
        algorithm.snapshot_decode(canonical[:-2])


def test_sample_size_rounds_up_and_counts_override():
    assert algorithm.sample_size(1_000, ratio="2.5", count=None) == 25
    assert algorithm.sample_size(3, ratio="5", count=None) == 1
    assert algorithm.sample_size(0, ratio="50", count=None) == 0
    assert algorithm.sample_size(10, ratio="50", count=7) == 7


def test_an_item_is_drawn_only_among_the_targets_of_its_industries():
    # given 40 drawn targets, half food shops (5223) and half software firms (6513), and a food-safety item
    # at 50 % that applies to food businesses only, beside an item for everyone at 100 %
    targets = list(range(1, 41))
    industries = {t: "5223" if t % 2 else "6513" for t in targets}
    items = algorithm.draw_items(targets, [("FOOD", "50", ["52", "62"]), ("ALL", "100", [])], "industries", industries)
    # then every target has the item for everyone; the food item went to half of the food shops, no software firm
    assert all("ALL" in codes for codes in items.values())
    food = [t for t, codes in items.items() if "FOOD" in codes]
    assert food and all(industries[t] == "5223" for t in food)
    assert len(food) == 10  # ceil(50 % × 20 eligible), not of all 40
    # and an item whose industries no target has is drawn for none
    none = algorithm.draw_items(targets, [("SE", "100", ["7020"])], "industries", industries)
    assert not any(none.values())


def test_items_without_industries_draw_as_version_1_did():
    # a published qcity-draw/1 record keeps verifying: the same items for (code, ratio) pairs
    targets = list(range(100, 130))
    old = algorithm.draw_items(targets, [("A", "30"), ("B", "100")], "v1")
    new = algorithm.draw_items(targets, [("A", "30", []), ("B", "100", [])], "v1", {t: "6513" for t in targets})
    assert old == new
    assert sorted(t for t, codes in old.items() if "A" in codes) == KNOWN_ITEMS_ANSWER


KNOWN_ITEMS_ANSWER = [102, 106, 111, 113, 115, 117, 123, 125, 127]


def test_item_applies_by_industry_prefix():
    assert algorithm.item_applies("1499", ["14", "15"])
    assert not algorithm.item_applies("6513", ["14", "15"])
    assert algorithm.item_applies("6513", [])
    assert not algorithm.item_applies("", ["14"])
