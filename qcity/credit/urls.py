from django.urls import path

from .views import files, lists, queues, scoring

app_name = "credit"

urlpatterns = [
    path("", files.file_search, name="file-search"),
    path("files/<int:pk>/", files.file, name="file"),
    path("files/<int:pk>/panel/", files.panel, name="panel"),
    path("files/<int:pk>/events/new/", files.event_create, name="event-create"),
    path("files/<int:pk>/objections/new/", files.objection_create, name="objection-create"),
    path("files/<int:pk>/repairs/new/", files.repair_create, name="repair-create"),
    path("events/overdue/", files.overdue_publications, name="overdue-publications"),
    path("events/<int:pk>/publish/", files.event_publish, name="event-publish"),
    path("events/<int:pk>/withdraw/", files.event_withdraw, name="event-withdraw"),
    path("lists/<str:list_kind>/", lists.list_view, name="list"),
    path("lists/<str:list_kind>/new/", lists.list_entry_create, name="list-entry-create"),
    path("list-entries/<int:pk>/publish/", lists.list_entry_publish, name="list-entry-publish"),
    path("list-entries/<int:pk>/remove/", lists.list_entry_remove, name="list-entry-remove"),
    path("objections/", queues.objection_queue, name="objection-queue"),
    path("objections/<int:pk>/decide/", queues.credit_objection_decide, name="objection-decide"),
    path("repairs/", queues.repair_queue, name="repair-queue"),
    path("repairs/<int:pk>/accept/", queues.credit_repair_accept, name="repair-accept"),
    path("repairs/<int:pk>/decide/", queues.credit_repair_decide, name="repair-decide"),
    path("attachments/<int:pk>/", files.attachment_download, name="attachment-download"),
    path("scoring-model/", scoring.scoring_model, name="scoring-model"),
    path("scoring-model/reclassify/", scoring.reclassify, name="reclassify"),
]
