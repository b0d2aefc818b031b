from django.urls import path  # noqa: F401

from . import disclosure, intake, rewards, steps, views

urlpatterns = [
    path("complaints/", views.ComplaintListApi.as_view(), name="api-complaints"),
    path("complaints/<int:pk>/", views.ComplaintDetailApi.as_view(), name="api-complaint-detail"),
    path("complaints/intake/", intake.ComplaintIntakeApi.as_view(), name="api-complaint-intake"),
    *[path(f"complaints/<int:pk>/{step}/", view.as_view(), name=f"api-complaint-{step}")
      for step, view in steps.STEP_APIS.items()],
    path("rewards/", rewards.RewardListApi.as_view(), name="api-rewards"),
    path("complaint-events/", views.ComplaintEventListApi.as_view(), name="api-complaint-events"),
    path("public/complaint-disclosures/<str:uscc>/", disclosure.PublicComplaintDisclosureApi.as_view(),
         name="api-public-complaint-disclosure"),
]
