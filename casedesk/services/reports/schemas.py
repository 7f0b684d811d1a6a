"""What the reports take and answer: the query's filters, and each report as tables of
columns and rows (the shape the page, the CSV and the API share)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel

Cell = str | int | float | None
Period = Literal["day", "week", "month"]
Dimension = Literal["group", "agent", "priority", "category", "channel"]


class Table(BaseModel):
    """One chart's figures: ``chart`` says how the console draws it (``line``, ``bar``,
    ``heatmap`` or none for a plain list)."""

    key: str
    title: str
    chart: str | None
    columns: list[str]
    rows: list[list[Cell]]
    #: how the figures were arrived at, when the reader should know (an estimate)
    note: str | None = None


class Report(BaseModel):
    name: str
    title: str
    date_from: date
    date_to: date
    group: int | None
    channel: str | None
    tables: list[Table]


class Query(BaseModel):
    """The filters every report takes: the days (inclusive, in the corporation's time
    zone) the cases were created on, a group and a channel."""

    date_from: date
    date_to: date
    group: int | None = None
    channel: str | None = None
    period: Period = "day"
    by: Dimension = "group"
