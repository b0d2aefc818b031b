from django.urls import path

from . import views

urlpatterns = [
    path("credit-files/", views.CreditFileListApi.as_view(), name="api-credit-files"),
    path("credit-files/<int:pk>/", views.CreditFileApi.as_view(), name="api-credit-file"),
    path("credit-events/", views.CreditEventListApi.as_view(), name="api-credit-events"),
    path("credit-events/<int:pk>/publish/", views.CreditEventPublishApi.as_view(), name="api-credit-event-publish"),
    path("credit-events/<int:pk>/withdraw/", views.CreditEventWithdrawApi.as_view(), name="api-credit-event-withdraw"),
    path("credit-list-entries/", views.CreditListEntryListApi.as_view(), name="api-credit-list-entries"),
    path("credit-list-entries/<int:pk>/publish/", views.CreditListEntryPublishApi.as_view(),
         name="api-credit-list-entry-publish"),
    path("credit-list-entries/<int:pk>/remove/", views.CreditListEntryRemoveApi.as_view(),
         name="api-credit-list-entry-remove"),
    path("credit-repairs/", views.CreditRepairListApi.as_view(), name="api-credit-repairs"),
    path("credit-repairs/<int:pk>/accept/", views.CreditRepairAcceptApi.as_view(), name="api-credit-repair-accept"),
    path("credit-repairs/<int:pk>/decide/", views.CreditRepairDecideApi.as_view(), name="api-credit-repair-decide"),
    path("credit-objections/", views.CreditObjectionListApi.as_view(), name="api-credit-objections"),
    path("credit-objections/<int:pk>/decide/", views.CreditObjectionDecideApi.as_view(), name="api-credit-objection-decide"),
    path("credit-attachments/<int:pk>/download/", views.CreditAttachmentDownloadApi.as_view(),
         name="api-credit-attachment-download"),
    path("credit-scoring-models/", views.CreditScoringModelListApi.as_view(), name="api-credit-scoring-models"),
    path("credit-classifications/reclassify/", views.ReclassifyApi.as_view(), name="api-credit-reclassify"),
]
