from django.urls import path  # noqa: F401

from . import views  # noqa: F401
from .views import classification as classification_views
from .views import disclosure, handling, intake, lists, public, rewards
from .views import routing as routing_views
from .views import settlement as settlement_views

app_name = "complaints"

# Back office, under /complaints/.
urlpatterns = [
    path("", lists.complaint_list, name="complaint-list"),
    path("new/", intake.complaint_create, name="complaint-create"),
    path("<int:pk>/", lists.complaint_detail, name="complaint-detail"),
    path("attachments/<int:pk>/", lists.attachment_download, name="attachment-download"),
    path("<int:pk>/transfer/", routing_views.complaint_transfer_page, name="complaint-transfer"),
    path("gazetteer/", routing_views.gazetteer_list, name="gazetteer-list"),
    path("gazetteer/new/", routing_views.gazetteer_entry_create, name="gazetteer-create"),
    path("gazetteer/<int:pk>/", routing_views.gazetteer_entry_edit, name="gazetteer-edit"),
    path("<int:pk>/classify/", classification_views.complaint_classify, name="complaint-classify"),
    path("categories/", classification_views.category_list, name="category-list"),
    path("categories/new/", classification_views.category_create, name="category-create"),
    path("categories/<int:pk>/", classification_views.category_edit, name="category-edit"),
    path("categories/<int:pk>/delete/", classification_views.category_delete, name="category-delete"),
    path("problem-types/", classification_views.problem_type_list, name="problem-type-list"),
    path("problem-types/new/", classification_views.problem_type_create, name="problem-type-create"),
    path("problem-types/<int:pk>/", classification_views.problem_type_edit, name="problem-type-edit"),
    path("problem-types/<int:pk>/delete/", classification_views.problem_type_delete, name="problem-type-delete"),
    path("settlement/", settlement_views.settlement_list, name="settlement-list"),
    path("settlement/<int:pk>/answer/", settlement_views.settlement_answer, name="settlement-answer"),
    path("settlement/join/", settlement_views.direct_settlement_join, name="direct-settlement-join"),
    path("settlement/leave/", settlement_views.direct_settlement_leave, name="direct-settlement-leave"),
    path("settlement/members/", settlement_views.direct_settlement_members, name="direct-settlement-members"),
    *[path(f"<int:pk>/{step}/", view, name=f"complaint-{step}") for step, view in handling.STEP_VIEWS.items()],
    path("<int:pk>/reward/", rewards.reward_propose, name="complaint-reward"),
    path("rewards/", rewards.reward_list, name="reward-list"),
    path("rewards/<int:pk>/", rewards.reward_detail, name="reward-detail"),
    path("rewards/<int:pk>/decide/", rewards.reward_decide, name="reward-decide"),
    path("rewards/<int:pk>/pay/", rewards.reward_pay, name="reward-pay"),
    path("rewards/<int:pk>/reporter-notified/", rewards.reward_reporter_notify, name="reward-reporter-notified"),
    path("reward-rules/", rewards.reward_rule_list, name="reward-rule-list"),
    path("reward-rules/<int:pk>/edit/", rewards.reward_rule_edit, name="reward-rule-edit"),
]

# The public's pages (file, track, disclosure), under /public/complaints/ (namespace complaints-public).
public_patterns = [
    path("new/", public.complaint_new, name="complaint-new"),
    path("track/", public.complaint_track, name="complaint-track"),
    path("track/settlement/", public.complaint_track_settlement, name="complaint-track-settlement"),
    path("track/rating/", public.complaint_track_rating, name="complaint-track-rating"),
    path("enterprises/<str:uscc>/", disclosure.complaint_disclosure_page, name="complaint-disclosure"),
    path("statistics/", disclosure.complaint_statistics_page, name="complaint-statistics"),
]
