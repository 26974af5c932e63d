from .clips import Channel, ChannelLink, Clip, ClipTag, RelatedLink, Tag

__all__ = ["Channel", "ChannelLink", "Clip", "ClipTag", "RelatedLink", "Tag"]
