"""Captures: preserved copies of clips (media, page, metadata), with proof they are unaltered."""
