"""An enterprise-import xlsx file of N rows, made with the demo generator (for the import benchmark and tests).

    .venv/bin/python bench/xlsx_fixture.py var/bench/enterprises-200000.xlsx --rows 200000

The headings are the import's; values are what an official's file holds: Chinese labels for entity
type and status, the org unit's name, dates as Excel dates, industry codes as text (leading zeros).
Credit codes use an organisation-code prefix ("MD") the demo never uses, so the file imports cleanly
into a database that already holds demo data.

Names are varied, not only the generator's vocabulary: half of them get a trade name (字号) of two to four
characters drawn from the 3,755 common hanzi of GB 2312, one in twenty a Latin or digit brand ("ABC", "3D"),
one in twenty a bracketed place ("（河南）"), so the import meets names its caches have never seen.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
from pathlib import Path

HEADINGS = ["统一社会信用代码", "企业名称", "主体类型", "行业代码", "所属区域", "住所", "法定代表人",
            "注册资本（万元）", "成立日期", "登记状态"]
ORG_PREFIX = "MD"


def _setup_django() -> None:
    root = Path(__file__).resolve().parent.parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qcity.settings.dev")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def write_fixture(path: str | os.PathLike, *, rows: int = 200_000, seed: int = 7) -> Path:
    """Write `rows` enterprises to `path` (openpyxl write-only mode) and return the path."""
    _setup_django()
    from django.utils import timezone, translation
    from openpyxl import Workbook

    from qcity.enterprises.choices import EnterpriseStatus, EntityType
    from qcity.enterprises.demo import enterprise_rows, units_from_reference_data
    from qcity.enterprises.demo.vocabulary import common_characters

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    units = units_from_reference_data()
    unit_names = {u.id: u.name for u in units}
    with translation.override("zh-hans"):
        entity_labels = {value: str(label) for value, label in EntityType.choices}
        status_labels = {value: str(label) for value, label in EnterpriseStatus.choices}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("企业")
    sheet.append(HEADINGS)
    fromiso = datetime.date.fromisoformat
    rng = random.Random(f"{seed}:varied-names")
    common = common_characters()
    last_day = timezone.localdate() - datetime.timedelta(days=1)  # the import refuses establishment after today
    for (_i, uscc, name, _initials, kind, industry, unit_id, address, person, capital, established,
         status) in enterprise_rows(seed=seed, count=rows, units=units, last_day=last_day, org_prefix=ORG_PREFIX):
        name = varied_name(rng, name, unit_names[unit_id], common)
        sheet.append([uscc, name, entity_labels[kind], industry, unit_names[unit_id], address, person,
                      float(capital) if capital is not None else None, fromiso(established),
                      status_labels[status]])
    workbook.save(path)
    return path


BRANDS = ("ABC", "3D", "IT", "e家", "K2", "5G", "DIY", "OK")
PLACES = ("（河南）", "（郑州）", "（中国）", "（北京）")


def varied_name(rng: random.Random, name: str, unit_name: str, common: list[str]) -> str:
    """`name` with, half the time, its trade name (the two characters after its district, 郑州 or 河南) replaced by two to
    four random common characters, sometimes a Latin brand, sometimes a bracketed place before the industry."""
    place_name = next((p for p in (unit_name, "郑州", "河南") if name.startswith(p)), None)
    if place_name is None or rng.random() < 0.5:
        return name
    rest = name[len(place_name) + 2:]
    roll = rng.random()
    trade = rng.choice(BRANDS) if roll < 0.05 else "".join(rng.choices(common, k=rng.randint(2, 4)))
    place = rng.choice(PLACES) if roll > 0.95 else ""
    return (place_name + trade + place + rest)[:200]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(write_fixture(args.path, rows=args.rows, seed=args.seed))


if __name__ == "__main__":
    main()
