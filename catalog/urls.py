from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.clip_list, name="clip_list"),
    path("clips/<int:pk>/", views.clip_detail, name="clip_detail"),
    path("tags/", views.tag_list, name="tag_list"),
    path("tags/<str:slug>/", views.tag_detail, name="tag_detail"),
    path("channels/", views.channel_list, name="channel_list"),
    path("channels/<str:slug>/", views.channel_detail, name="channel_detail"),
]
