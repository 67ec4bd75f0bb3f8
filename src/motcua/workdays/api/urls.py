from django.urls import path

from motcua.workdays.api.views import DueDateView

urlpatterns = [path("calendar/due/", DueDateView.as_view(), name="api-calendar-due")]
