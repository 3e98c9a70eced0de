"""Each role's menu offers only pages that let it in (the menu asks each page's own door), and
marks the page the user is on."""

import re

import pytest

from demo.users import DEMO_USERS

pytestmark = pytest.mark.django_db
NAV = re.compile(r'<div class="collapse navbar-collapse" id="main-nav">(.*?)</ul>', re.S)


def menu_links(html: str) -> list[str]:
    return re.findall(r'class="nav-link[^"]*" href="([^"]+)"', NAV.search(html).group(1))


@pytest.mark.parametrize("username", [user[0] for user in DEMO_USERS])
def test_every_menu_item_opens(login, username):
    client = login(username)
    home = client.get("/", follow=True)
    links = menu_links(home.content.decode())
    assert links, username
    for url in links:
        assert client.get(url, follow=True).status_code == 200, (username, url)


def test_a_ba_is_not_offered_the_regencys_assignment_pages(login):
    links = menu_links(login("ba.kotajambi").get("/tugas/").content.decode())
    assert "/penugasan/" not in links and "/perencana/" not in links
    assert "/tugas/" in links


def test_the_current_page_is_marked(login):
    html = login("staf.kotajambi").get("/koperasi/").content.decode()
    assert 'href="/koperasi/" aria-current="page"' in html
