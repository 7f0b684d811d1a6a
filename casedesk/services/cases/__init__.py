"""Cases: everything a case is and everything done to it.

Owns the case use-cases and their shapes (``schemas``): opening (``opening``, also from
``templates``), reading (``core``, ``views``, ``lookup``, ``history``,
``public_status``), updating (``core``, ``members``, ``assignment``, ``tags``,
``links``, ``custom_fields``, ``codes``, ``holds``, ``cancelling``), messages
(``messages``), merging and splitting (``merging``, ``splitting``, ``content``), and
finding cases (``search``, ``search_text``, ``saved_filters``).

May use: ``reference``, ``attachments``, ``sla``, ``identity``, ``kernel``. Never
``mail``, ``portal``, ``billing`` or ``scheduling``: those build on cases.
"""
