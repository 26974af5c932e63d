"""What is shown on screen: keyframes and on-screen text from captured media.

frames.py     ffmpeg: probing, keyframes at shot changes, frames to read text from
ocr.py        Tesseract: the text on a batch of frames
onscreen.py   consecutive frames' readings -> timed on-screen text segments
pipeline.py   the background job and `manage.py analyse`: the steps, resumable
keyframe_views.py  a keyframe's image, for those who may see the capture
"""
