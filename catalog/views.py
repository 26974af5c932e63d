def clip_list(r):
    pass


def clip_detail(r):
    pass


def tag_list(r):
    pass


def tag_detail(r):
    pass


def channel_list(r):
    pass


def channel_detail(r):
    pass
