"""Every POST form in every template carries `{% form_token %}`, so a double-click or a resent form is
recorded once (qcity/core/idempotency.py). A new form without it fails here."""

import re
from pathlib import Path

import qcity

TEMPLATE_ROOT = Path(qcity.__file__).resolve().parent
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.DOTALL | re.IGNORECASE)
POST = re.compile(r"""method\s*=\s*["']?post\b|\bhx-post\b""", re.IGNORECASE)
# Forms a repeat of which must run again: a logout refused as "already submitted" (the back button to a page
# from before the last login) would leave the user logged in; so would a language switch stay unswitched.
EXEMPT = re.compile(r"""\{% url ['"](?:logout|set_language)['"] %\}""")


def _post_forms():
    for path in sorted(TEMPLATE_ROOT.rglob("templates/**/*.html")):
        text = path.read_text("utf-8")
        for match in FORM.finditer(text):
            if POST.search(match.group(1)) and not EXEMPT.search(match.group(1)):
                line = text.count("\n", 0, match.start()) + 1
                yield f"{path.relative_to(TEMPLATE_ROOT)}:{line}", match.group(2)


def test_every_post_form_carries_the_one_time_form_token():
    forms = list(_post_forms())
    assert len(forms) > 50  # the scan finds the forms at all
    missing = [where for where, body in forms if "{% form_token %}" not in body]
    assert not missing, "POST forms without {% form_token %} beside {% csrf_token %}:\n" + "\n".join(missing)


def test_logout_and_the_language_switch_carry_no_token_so_a_repeat_still_runs():
    # a page from before the last login (the back button) must still log out
    forms = [match.group(0) for path in TEMPLATE_ROOT.rglob("templates/**/*.html")
             for match in FORM.finditer(path.read_text("utf-8")) if EXEMPT.search(match.group(1))]
    assert len(forms) == 2 and all("{% form_token %}" not in form for form in forms)
