"""Every POST form in every template carries `{% form_token %}`, so a double-click or a resent form is
recorded once (qcity/core/idempotency.py). A new form without it fails here."""

import re
from pathlib import Path

import qcity

TEMPLATE_ROOT = Path(qcity.__file__).resolve().parent
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.DOTALL | re.IGNORECASE)
POST = re.compile(r"""method\s*=\s*["']?post\b|\bhx-post\b""", re.IGNORECASE)


def _post_forms():
    for path in sorted(TEMPLATE_ROOT.rglob("templates/**/*.html")):
        text = path.read_text("utf-8")
        for match in FORM.finditer(text):
            if POST.search(match.group(1)):
                line = text.count("\n", 0, match.start()) + 1
                yield f"{path.relative_to(TEMPLATE_ROOT)}:{line}", match.group(2)


def test_every_post_form_carries_the_one_time_form_token():
    forms = list(_post_forms())
    assert len(forms) > 50  # the scan finds the forms at all
    missing = [where for where, body in forms if "{% form_token %}" not in body]
    assert not missing, "POST forms without {% form_token %} beside {% csrf_token %}:\n" + "\n".join(missing)
