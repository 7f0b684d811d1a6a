"""What customers and visitors read: only published translations of public articles,
found by search in their language; internal ones never, by any way in."""

from __future__ import annotations

import io

import pytest

from casedesk.domain.errors import NotFound
from casedesk.services.attachments.files import Upload
from casedesk.services.knowledge import articles, desk, feedback, public
from casedesk.services.knowledge.schemas import FeedbackIn
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from tests.factories import make_world
from tests.services.knowledge.helpers import make_article, make_category, translate


def test_a_visitor_finds_a_published_public_article_in_its_language(db: Database) -> None:
    world = make_world(db)
    admin = world.admin.principal
    article = make_article(db, admin, make_category(db, admin))
    translate(db, admin, article.id, "de", "Drucker druckt nicht", "Schalten Sie den Drucker aus.")
    reader = public.visitor(db)

    english = public.search_articles(db, reader, "en", "print")
    assert [h.title for h in english] == ["Printer does not print"]
    german = public.search_articles(db, reader, "de", "drucker")
    assert [h.title for h in german] == ["Drucker druckt nicht"]
    assert public.search_articles(db, reader, "de", "printer tray") == []
    assert public.languages(db, reader) == ["en", "de"]
    shown = public.article(db, reader, "de", "printing", "drucker-druckt-nicht")
    assert shown.other_languages == [("en", "printing", "printer-does-not-print")]


def test_suggestions_match_any_longer_word_of_what_the_customer_types(db: Database) -> None:
    world = make_world(db)
    admin = world.admin.principal
    category = make_category(db, admin)
    make_article(db, admin, category)
    make_article(db, admin, category, title="Reset your password", body="Use the link.")
    reader = public.visitor(db)
    typed = "Hello, my printer in room 2 shows an error and prints nothing at all"
    hits = public.suggestions(db, reader, "en", typed)
    assert [h.title for h in hits] == ["Printer does not print"]


def test_internal_drafts_and_archived_articles_are_never_readable(
    db: Database, tmp_path: object
) -> None:
    world = make_world(db)
    admin = world.admin.principal
    category = make_category(db, admin)
    secret = make_article(
        db,
        admin,
        category,
        title="Printer admin password",
        body="The printer secret is 1234",
        visibility="internal",
    )
    draft = make_article(db, admin, category, title="Printer draft", publish=False)
    archived = make_article(db, admin, category, title="Printer archived")
    articles.change_status(db, admin, archived.translations[0].id, "archived")
    blobs = LocalBlobStore(tmp_path / "blobs")  # type: ignore[operator]
    image = desk.add_files(
        db, blobs, admin, secret.id, [Upload("plan.png", io.BytesIO(b"\x89PNG\r\n\x1a\n"))], 10_000
    )[0]
    reader = public.visitor(db)

    for text in ("printer", "secret", "1234", "draft", "archived"):
        assert public.search_articles(db, reader, "en", text) == []
        assert public.suggestions(db, reader, "en", f"my {text} problem") == []
    for hidden in (secret, draft, archived):
        translation = hidden.translations[0]
        with pytest.raises(NotFound):
            public.article(db, reader, "en", "printing", translation.slug)
        with pytest.raises(NotFound):
            feedback.give_feedback(db, reader, translation.id, FeedbackIn(helpful=True))
        with pytest.raises(NotFound):
            feedback.record_deflection(db, reader, translation.id)
    with pytest.raises(NotFound):
        public.open_file(db, reader, image.id)
    with pytest.raises(NotFound):
        public.category_articles(db, reader, "en", "printing")
    assert public.categories(db, reader, "en") == []
    assert public.sitemap(db, reader) == []
    # Agents still find all of them.
    assert len(desk.find(db, world.agent_a.principal, "printer")) == 3


def test_feedback_and_deflections_are_counted_for_editors(db: Database) -> None:
    world = make_world(db)
    admin = world.admin.principal
    category = make_category(db, admin)
    good = make_article(db, admin, category).translations[0]
    bad = make_article(db, admin, category, title="Reset your password").translations[0]
    reader = public.visitor(db)
    feedback.record_deflection(db, reader, good.id)
    feedback.record_deflection(db, reader, good.id)
    feedback.give_feedback(db, reader, good.id, FeedbackIn(helpful=True))
    feedback.give_feedback(db, reader, bad.id, FeedbackIn(helpful=False, comment="Link is dead"))
    feedback.give_feedback(db, reader, bad.id, FeedbackIn(helpful=True))

    figures = feedback.figures(db, admin)
    top = feedback.top_deflecting(figures)
    assert [(f.translation_id, f.deflections) for f in top] == [(good.id, 2)]
    worst = feedback.most_disappointing(figures)
    assert [(f.translation_id, f.helpful, f.not_helpful) for f in worst] == [(bad.id, 1, 1)]
    said = feedback.list_feedback(db, admin, bad.id)
    assert [f.comment for f in said] == ["", "Link is dead"]
