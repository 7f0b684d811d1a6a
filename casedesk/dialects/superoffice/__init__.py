"""SuperOffice's Agents API for tickets (seed 001: ``TicketEntity``), under /superoffice."""
