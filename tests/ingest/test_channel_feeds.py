"""YouTube channel feeds: untrusted XML into (video URL, title), newest first."""

import pytest

from catalog.ingest import IngestError
from catalog.ingest.youtube_feed import parse_youtube_feed, youtube_feed_url

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015"
      xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
 <link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id=UCZMsvbAhhRblVGXmEXW8TSA"/>
 <id>yt:channel:ZMsvbAhhRblVGXmEXW8TSA</id>
 <yt:channelId>ZMsvbAhhRblVGXmEXW8TSA</yt:channelId>
 <title>WELT Nachrichtensender</title>
 <entry>
  <id>yt:video:older000001</id>
  <yt:videoId>older000001</yt:videoId>
  <title>Ältere   Meldung</title>
  <link rel="alternate" href="https://www.youtube.com/watch?v=older000001"/>
  <published>2024-03-04T08:00:00+00:00</published>
 </entry>
 <entry>
  <id>yt:video:newer000002</id>
  <yt:videoId>newer000002</yt:videoId>
  <title>Neueste Meldung &amp; mehr</title>
  <link rel="alternate" href="https://www.youtube.com/watch?v=newer000002"/>
  <published>2024-03-05T09:30:00+00:00</published>
 </entry>
 <entry>
  <title>No id, only a link</title>
  <link rel="alternate" href="https://www.youtube.com/shorts/short000003"/>
  <published>2024-03-01T08:00:00+00:00</published>
 </entry>
</feed>"""


def test_feed_entries_newest_first():
    assert parse_youtube_feed(FEED) == [
        ("https://www.youtube.com/watch?v=newer000002", "Neueste Meldung & mehr"),
        ("https://www.youtube.com/watch?v=older000001", "Ältere Meldung"),
        ("https://www.youtube.com/shorts/short000003", "No id, only a link"),
    ]


def test_feed_as_bytes():
    assert len(parse_youtube_feed(FEED.encode())) == 3


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><feed>&lol;</feed>',
            "declares a document type",
        ),
        ('<!DOCTYPE feed SYSTEM "file:///etc/passwd"><feed/>', "declares a document type"),
        ("<feed><entry></feed>", r"not valid XML \(line 1, column"),
        ("<rss><channel/></rss>", "not an Atom feed"),
        ("", "not valid XML"),
    ],
)
def test_hostile_or_broken_feeds(xml, message):
    with pytest.raises(IngestError, match=message):
        parse_youtube_feed(xml)


def test_feed_url():
    assert youtube_feed_url("UCZMsvbAhhRblVGXmEXW8TSA") == (
        "https://www.youtube.com/feeds/videos.xml?channel_id=UCZMsvbAhhRblVGXmEXW8TSA"
    )
    with pytest.raises(IngestError, match="not a YouTube channel id"):
        youtube_feed_url("../../etc")
