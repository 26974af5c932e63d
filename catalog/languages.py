"""Language codes as readers see them: "de" is "German" on an English page, "Deutsch" in German."""

from django.utils.translation import get_language_info


def language_name(code):
    """The language's name in the active language, else the code as stored.

    Sources spell codes "de", "de-DE", "de_AT" or "DE"; Django knows the names of
    the languages it is translated into, which are those of news clips by far.
    """
    for candidate in dict.fromkeys([code.lower(), code.lower().replace("_", "-")]):
        try:
            return str(get_language_info(candidate)["name_translated"])
        except KeyError:
            continue
    return code
