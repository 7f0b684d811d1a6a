"""The Track-It! Web API wire format: fields keyed by sequence number, each a
``{"DisplayName", "Value"}`` pair, nulls left out.

The field tables are the seed's, in its order: ``TICKET_FIELDS`` is what every ticket
answer may carry, ``UPDATABLE`` what a create or update may set, ``NOTE_FIELDS`` a
note's fields. Attachment, assignment and template fields are the ones the seed's
examples show, with the additions listed in ``docs/dialects/trackit.md``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

TICKET_FIELDS: dict[int, str] = {
    1: "Ticket ID",
    2: "Last Modified",
    3: "Last User",
    4: "Seq_Group",
    7: "Additional Information",
    8: "Seq_Requestor",
    10: "Seq_Assigned To",
    11: "Seq_Category",
    12: "Open Date & Time",
    14: "Seq_Location",
    15: "Seq_Department",
    16: "Seq_Open By",
    17: "Seq_Closed By",
    18: "Close Date & Time",
    19: "Callback Number",
    20: "Call Counter",
    22: "Ticket Summary",
    28: "Alternate Email ID",
    34: "Assigned To Group",
    36: "Requestor ID",
    37: "Requestor First Name",
    38: "Requestor Last Name",
    39: "Requestor Phone",
    40: "Requestor Ext.",
    43: "Requestor Title",
    48: "Closed By Technician",
    49: "Location",
    53: "Location Main Contact",
    65: "Department",
    66: "Opened By Technician",
    67: "Assigned To Technician",
    68: "Assigned To First Name",
    69: "Assigned To Last Name",
    70: "Assigned To Phone",
    71: "Assigned To Extension",
    72: "Category",
    75: "Seq_SLA",
    81: "Custom Date 1",
    82: "Custom Date 2",
    83: "Custom Integer 1",
    84: "Custom Numeric 1",
    85: "Custom Text 1",
    86: "Custom Text 2",
    87: "Custom Text 3",
    88: "Custom Text 4",
    89: "Custom Text 5",
    90: "Custom Text 6",
    91: "SLA",
    92: "SLA Description",
    95: "Seq_Status",
    96: "Status",
    97: "Status Description",
    100: "Expected Due Date & Time",
    102: "Inactive",
    103: "Clock Stop Time",
    106: "Seq_Priority",
    107: "Priority",
    108: "Duration",
    109: "First Call Resolution",
    110: "Expected Response Date & Time",
    111: "Expected Fix Date & Time",
    114: "Requestor Email Address",
    116: "Custom Look Up 1",
    117: "Custom Look Up 2",
    118: "Custom Look Up 3",
    119: "Custom Look Up 4",
    120: "Custom Look Up 5",
    121: "Custom Look Up 6",
    122: "Custom Look Up 7",
    123: "Custom Look Up 8",
    124: "Opened Group",
    125: "Closed Group",
    127: "Ticket Source",
    128: "Opened By First Name",
    129: "Opened By Last Name",
    130: "Closed By First Name",
    131: "Closed By Last Name",
    132: "Responded Date & Time",
    136: "SLA Milestones Complete",
    141: "Change ID",
    142: "Priority Duration",
    145: "Template",
    146: "Custom Date 3",
    147: "Custom Date 4",
    148: "Hourly Rate",
    149: "Requestor",
    150: "Seq_Responded By",
    151: "Responded By Technician",
    152: "Responded By First Name",
    153: "Responded By Last Name",
    156: "Charge",
    157: "Assigned To Full Name",
    158: "Solution ID",
    159: "Solution Summary",
    160: "Seq_EscalateToTechnician",
    161: "Escalate To Technician",
    162: "Escalate To Technician Email",
    163: "Total Time Spent",
    164: "Category Full Path",
    165: "TI11 WO ID",
    166: "Asset ID",
    167: "BCM Asset ID",
    168: "Asset Name",
    169: "Audit Date",
    170: "Serial Number",
    171: "Escalate To Login ID",
    172: "Change Summary",
    174: "Change Request Status",
    175: "Latest Note Date",
    176: "Change Request Status Type",
    177: "Open By Name",
    178: "Seq_Purchase Order",
    179: "Purchase Order Number",
    180: "Date Ordered",
    181: "Date Required",
    182: "Date Closed",
    183: "Total Cost",
    184: "Purchase Order Status",
    185: "Email Cc",
    186: "Email Bcc",
}

UPDATABLE: frozenset[int] = frozenset(
    {
        4,
        7,
        8,
        10,
        11,
        14,
        15,
        19,
        20,
        22,
        28,
        34,
        36,
        37,
        38,
        39,
        40,
        43,
        49,
        65,
        67,
        68,
        69,
        70,
        71,
        72,
        75,
        81,
        82,
        83,
        84,
        85,
        86,
        87,
        88,
        89,
        90,
        91,
        92,
        95,
        96,
        97,
        100,
        102,
        106,
        107,
        109,
        110,
        111,
        114,
        116,
        117,
        118,
        119,
        120,
        121,
        122,
        123,
        127,
        136,
        141,
        142,
        145,
        146,
        147,
        149,
        157,
        158,
        159,
        165,
        166,
        167,
        168,
        172,
        178,
        179,
        185,
        186,
    }
)

NOTE_FIELDS: dict[int, str] = {
    1: "Sequence",
    2: "Last Modified",
    3: "Last User",
    4: "Seq_Group",
    5: "Note",
    6: "Ticket ID",
    7: "Date",
    8: "Seq_Technician",
    10: "Duration",
    11: "Seq_Activity Code",
    13: "Note Exists",
    14: "System Activity",
    15: "Activity Code",
    16: "Technician Name",
    17: "Inactive",
    24: "Email (To/From)",
    25: "Seq_EmailMgmt",
    26: "Note Type",
    27: "Private",
    28: "Seq_Requestor",
    29: "Requestor Name",
    30: "Activity Code Description",
    31: "Track Time",
    32: "TI11 Note ID",
}

ATTACHMENT_FIELDS: dict[int, str] = {
    1: "Sequence",
    2: "Last Modified",
    3: "Last User",
    5: "Ticket ID",
    6: "File Size",
    7: "File Name",
    8: "Content Type",
    14: "URL Link",
}

#: Assignments are the ticket's child tasks; 1..4 are the seed's, the rest name the
#: task's own ticket fields.
ASSIGNMENT_FIELDS: dict[int, str] = {
    1: "Sequence",
    2: "Last Modified",
    3: "Last User",
    4: "Seq_Group",
    5: "Ticket ID",
    6: "Summary",
    7: "Status",
    8: "Seq_Assigned To",
    9: "Assigned To Technician",
    10: "Open Date & Time",
    11: "Close Date & Time",
}

TEMPLATE_FIELDS: dict[int, str] = {
    1: "Sequence",
    3: "Name",
    4: "Description",
    6: "Template Data",
    10: "Is Used in Self Service",
}

_DURATION = re.compile(r"^(\d{1,4}):([0-5]\d):([0-5]\d)$")


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, strict=True)


class TicketInput(Wire):
    """``createInput`` / ``updateInput``: ``Properties`` keyed by display name or
    sequence number."""

    Properties: Annotated[dict[Annotated[str, Field(max_length=100)], Any], Field(max_length=200)]
    OptionalParams: dict[str, Any] | None = None


class NoteInput(Wire):
    note_type: Annotated[str, Field(min_length=1, max_length=64)] | None = Field(
        default=None, alias="Note Type"
    )
    activity_code: Annotated[str, Field(min_length=1, max_length=64)] | None = Field(
        default=None, alias="Activity Code"
    )
    note: Annotated[str, Field(max_length=1_000_000)] | None = Field(default=None, alias="Note")
    duration: int | None = Field(default=None, alias="Duration")
    private: bool = Field(default=True, alias="Private")
    OptionalParams: dict[str, Any] | None = None

    @field_validator("duration", mode="before")
    @classmethod
    def _seconds(cls, value: Any) -> int | None:
        """``hh:mm:ss`` → seconds."""
        if value is None or value == "":
            return None
        match = _DURATION.match(value) if isinstance(value, str) else None
        if match is None:
            raise ValueError("Duration is hh:mm:ss")
        h, m, s = (int(g) for g in match.groups())
        return h * 3600 + m * 60 + s


class ChangeStatusInput(Wire):
    StatusName: Annotated[str, Field(min_length=1, max_length=100)]
    Note: NoteInput | None = None


class CloseInput(Wire):
    Note: NoteInput | None = None


def pairs(values: dict[int, Any], names: dict[int, str]) -> dict[str, dict[str, Any]]:
    """``{"<seq>": {"DisplayName": name, "Value": value}}`` in sequence order, nulls
    left out."""
    return {
        str(seq): {"DisplayName": names[seq], "Value": values[seq]}
        for seq in sorted(values)
        if values[seq] is not None and seq in names
    }
