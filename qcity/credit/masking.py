"""Masking of personal data on public pages (platform rule: personal names masked, e.g. 张*明)."""

from __future__ import annotations

import re


def mask_person_name(name: str) -> str:
    """张三 → 张*, 张小明 → 张*明, 欧阳小明 → 欧**明; Latin names keep the first letter."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


_LABELLED_NAME = re.compile(r"((?:法定代表人|负责人|经营者|当事人|投诉人|举报人)[：:]\s*)([\u4e00-\u9fff]{2,4})")


def mask_names_in_text(text: str) -> str:
    """Mask a person's name written after a label such as 法定代表人： in a published summary."""
    return _LABELLED_NAME.sub(lambda m: m.group(1) + mask_person_name(m.group(2)), text or "")
