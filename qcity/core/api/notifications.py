"""The message centre over the API: every caller reads and marks only their own messages, and reads and
sets only their own channel choices."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.core import notifications
from qcity.core.choices import NotificationKind
from qcity.core.filters import NotificationFilter
from qcity.core.models import Notification
from qcity.core.permissions import HasRole
from qcity.core.roles import EVERYONE


class NotificationSerializer(serializers.ModelSerializer):
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "unread"]

    def get_unread(self, obj) -> bool:
        return obj.read_at is None


class NotificationPreferenceItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    email = serializers.BooleanField()
    sms = serializers.BooleanField()


class NotificationReadAllResultSerializer(serializers.Serializer):
    read = serializers.IntegerField()


class NotificationListApi(generics.ListAPIView):
    """The caller's own messages, unread first; `?unread=yes` for the unread ones, `?kind=` for one kind."""

    permission_classes = [HasRole]
    required_roles = EVERYONE
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Notification.objects.none()
        return notifications.notification_list(user=self.request.user)


class NotificationReadApi(APIView):
    """Mark one of the caller's messages read (the proof of reading); another user's is a 404."""

    permission_classes = [HasRole]
    required_roles = EVERYONE

    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request, pk):
        notification = notifications.notification_get(user=request.user, pk=pk)
        notifications.notification_open(notification=notification, by=request.user)
        return Response(NotificationSerializer(notification).data)


class NotificationReadAllApi(APIView):
    permission_classes = [HasRole]
    required_roles = EVERYONE

    @extend_schema(request=None, responses=NotificationReadAllResultSerializer)
    def post(self, request):
        return Response({"read": notifications.notifications_read_all(by=request.user)})


class NotificationPreferenceApi(APIView):
    """The caller's e-mail/SMS choice per kind (in-app is always on). PUT a list of {kind, email, sms}; a
    kind left out keeps its setting."""

    permission_classes = [HasRole]
    required_roles = EVERYONE

    def _current(self, user):
        return [{"kind": kind, "email": email, "sms": text}
                for kind, _label, email, text in notifications.notification_preference_list(user)]

    @extend_schema(responses=NotificationPreferenceItemSerializer(many=True))
    def get(self, request):
        return Response(self._current(request.user))

    @extend_schema(request=NotificationPreferenceItemSerializer(many=True),
                   responses=NotificationPreferenceItemSerializer(many=True))
    def put(self, request):
        serializer = NotificationPreferenceItemSerializer(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        choices = {item["kind"]: (item["email"], item["sms"]) for item in serializer.validated_data}
        notifications.notification_preferences_save(user=request.user, choices=choices, by=request.user)
        return Response(self._current(request.user), status=status.HTTP_200_OK)
