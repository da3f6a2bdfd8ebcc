"""Submit a Django admin form as a person would: every field as the page shows it, some changed."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormFields(HTMLParser):
    """The values a browser would submit for the page's main form (inputs, selects, textareas)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.values.setdefault(name, []).append(a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
            self.values.setdefault(name, [])
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self.values[self._select].append(value)
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][0] += (
                data.lstrip("\n") if not self.values[self._textarea][0] else data
            )


def admin_submit(client, url: str, changes: dict[str, str]) -> object:
    """GET the admin form at `url`, change some fields, POST it back; the response."""
    page = client.get(url)
    assert page.status_code == 200, url
    fields = _FormFields()
    fields.feed(page.content.decode())
    data = {k: v if len(v) != 1 else v[0] for k, v in fields.values.items() if k != "csrfmiddlewaretoken"}
    data.update(changes)
    data["_save"] = "Save"
    response = client.post(url, data)
    assert response.status_code == 302, (
        f"{url} refused: {getattr(response, 'context', None) and response.context.get('errors')}"
    )
    return response
