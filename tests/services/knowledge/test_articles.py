"""Writing articles: translations, versions with who changed what, the status rules,
and who may write."""

from __future__ import annotations

import pytest

from casedesk.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from casedesk.services.knowledge import articles, categories
from casedesk.services.knowledge.schemas import (
    ArticlePatch,
    CategoryCreate,
    TranslationIn,
    TranslationPatch,
)
from casedesk.store.db import Database
from tests.factories import make_actor, make_world
from tests.services.knowledge.helpers import make_article, make_category


def test_an_article_in_two_languages_keeps_every_version_with_its_author(db: Database) -> None:
    world = make_world(db)
    admin = world.admin.principal
    category = make_category(db, admin)
    article = make_article(db, admin, category, publish=False)
    english = article.translations[0]
    assert (english.language, english.slug, english.status) == (
        "en",
        "printer-does-not-print",
        "draft",
    )

    articles.update_translation(db, admin, english.id, TranslationPatch(body="Check the cable."))
    articles.change_status(db, admin, english.id, "published")
    german = articles.add_translation(
        db,
        admin,
        article.id,
        TranslationIn(language="de", title="Drucker druckt nicht", body="Kabel prüfen."),
    )
    assert german.slug == "drucker-druckt-nicht"

    versions = articles.list_versions(db, admin, english.id)
    assert [(v.version, v.change, v.status) for v in versions] == [
        (3, "published", "published"),
        (2, "edited", "draft"),
        (1, "created", "draft"),
    ]
    assert {v.changed_by_id for v in versions} == {world.admin.user_id}
    assert versions[1].body == "Check the cable."
    assert versions[2].body.startswith("Turn the printer off")
    both = articles.get_article(db, admin, article.id)
    assert [t.language for t in both.translations] == ["de", "en"]


def test_one_translation_per_language_and_unknown_languages_are_refused(db: Database) -> None:
    world = make_world(db)
    admin = world.admin.principal
    article = make_article(db, admin, make_category(db, admin))
    with pytest.raises(Conflict):
        articles.add_translation(
            db, admin, article.id, TranslationIn(language="en", title="Again", body="x")
        )
    with pytest.raises(ValidationFailed):
        articles.add_translation(
            db, admin, article.id, TranslationIn(language="xx", title="Other", body="x")
        )


def test_status_moves_follow_the_rules(db: Database) -> None:
    world = make_world(db)
    admin = world.admin.principal
    translation = make_article(db, admin, make_category(db, admin)).translations[0]
    assert articles.change_status(db, admin, translation.id, "archived").status == "archived"
    assert articles.change_status(db, admin, translation.id, "draft").status == "draft"
    with pytest.raises(ValidationFailed):
        articles.change_status(db, admin, translation.id, "deleted")


def test_only_editors_write_and_every_agent_reads(db: Database) -> None:
    world = make_world(db)
    admin = world.admin.principal
    category = make_category(db, admin)
    article = make_article(db, admin, category, visibility="internal")
    agent = world.agent_a.principal
    assert articles.get_article(db, agent, article.id).visibility == "internal"
    with pytest.raises(Forbidden):
        articles.update_article(db, agent, article.id, ArticlePatch(visibility="public"))  # type: ignore[arg-type]
    with pytest.raises(Forbidden):
        categories.create_category(db, agent, CategoryCreate(name="Mine"))
    editor = make_actor(
        db, "ed@acme.test", "agent", ["A"], world.corporation_id, ["manage_knowledge"]
    ).principal
    changed = articles.update_article(db, editor, article.id, ArticlePatch(visibility="public"))  # type: ignore[arg-type]
    assert changed.visibility == "public"


def test_another_corporation_sees_nothing(db: Database) -> None:
    world = make_world(db)
    admin = world.admin.principal
    article = make_article(db, admin, make_category(db, admin))
    from casedesk.services.kernel.bootstrap import create_corporation

    with db.write() as s:
        other_id = create_corporation(s, "Other", "OTH-").id
    stranger = make_actor(db, "root@other.test", "admin", [], other_id).principal
    with pytest.raises(NotFound):
        articles.get_article(db, stranger, article.id)
    with pytest.raises(NotFound):
        articles.change_status(db, stranger, article.translations[0].id, "archived")
    assert articles.list_articles(db, stranger) == []


def test_a_category_with_articles_cannot_be_deleted(db: Database) -> None:
    world = make_world(db)
    admin = world.admin.principal
    category = make_category(db, admin)
    make_article(db, admin, category)
    with pytest.raises(Conflict):
        categories.delete_category(db, admin, category)


def test_a_category_cannot_take_the_slug_of_the_portals_search(db: Database) -> None:
    world = make_world(db)
    with pytest.raises(ValidationFailed):
        categories.create_category(db, world.admin.principal, CategoryCreate(name="Search"))
