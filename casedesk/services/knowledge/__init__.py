"""The knowledge base: articles in categories, written in Markdown, one translation per
language, each a draft, published or archived with every saved version kept; the
files they show; full-text search in each article's language; what readers said
("Was this helpful?") and the cases an article spared (deflection).

Who reads what is decided here and only here: agents read every article of their
corporation; customers and signed-out visitors read the published translations of
public articles and nothing else (``public``), files included. Editing needs the
``manage_knowledge`` permission (admins have it).

May use: ``attachments`` (receiving files), ``reference``, ``identity``, ``kernel``.
"""
