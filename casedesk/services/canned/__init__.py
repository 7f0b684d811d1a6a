"""Canned responses: text snippets with placeholders that agents insert into replies
and notes.

Owns the snippets, personal (seen and changed by their owner alone) or shared with a
group (seen and changed by the group's members and admins), and rendering one for a
case in Jinja2's sandbox (``rendering``): a snippet is text written by agents, so it
may read the case, its contact and the agent, and nothing else.

May use: ``reference``, ``identity``, ``kernel``.
"""
