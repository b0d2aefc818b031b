"""The reward panel of a report's detail page: `{% load complaint_rewards %}{% reward_panel %}` (reads
`complaint`, `forms` and the request's user from the page's context)."""

from django import template

from .. import selectors
from ..forms import RewardProposeForm

register = template.Library()


@register.inclusion_tag("complaints/partials/reward.html", takes_context=True)
def reward_panel(context):
    complaint = context["complaint"]
    user = context["request"].user
    reward = selectors.reward_list(user=user).filter(complaint=complaint).first()
    proposable = reward is None and selectors.reward_proposable(complaint=complaint, user=user)
    form = (context.get("forms") or {}).get("reward") or (RewardProposeForm(prefix="reward") if proposable else None)
    return {"complaint": complaint, "reward": reward, "proposable": proposable, "form": form}
