"""Each role's menu offers only pages that let it in (the menu asks each page's own door), and
marks the page the user is on."""

import re

import pytest

from demo.users import DEMO_USERS

pytestmark = pytest.mark.django_db


def menu_links(html: str) -> list[str]:
    menu = html.split('id="main-nav">', 1)[1].split('<form class="d-flex', 1)[0]
    return [url for url in re.findall(r'class="(?:nav-link|dropdown-item)[^"]*" href="([^"]+)"', menu) if url != "#"]


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
    html = login("staf.kotajambi").get("/penugasan/").content.decode()
    assert 'href="/penugasan/" aria-current="page"' in html  # inside its dropdown, which is marked too
    assert "nav-link dropdown-toggle active" in html


def test_the_province_admins_menu_is_grouped(login):
    links = menu_links(login("admin.provinsi").get("/").content.decode())
    assert {"/pengguna/", "/audit/", "/impor/", "/penugasan/", "/perencana/"} <= set(links)
