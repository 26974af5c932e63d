"""Perceptual fingerprints of clips' media: PDQ frame hashes and Chromaprint audio prints.

    files.fingerprint_file(path)  a media file's plain MediaPrint (PyAV, pdqhash, fpcalc)
    pdq.hash_image(bytes)         a picture's PDQ hash and quality
    stored                        fingerprints stored for clips (MediaFingerprint, ThumbnailHash)
    jobs                          the worker's side: fingerprint clips, one or a batch
    tasks                         the queue's side: the tasks, what is due, request_fingerprint
    mediaprint                    the plain record, its error and sizes (no numpy)
    signals                       fingerprint_changed, sent when a clip's prints change

Nothing is imported here: web processes import `tasks`, `mediaprint` and `signals`
and must not load numpy and PyAV, which only the workers' media work needs.
"""
