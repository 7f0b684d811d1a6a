"""Settings from the environment (``CASEDESK_*``) and an optional ``casedesk.toml``."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, FilePath, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

#: The address ``casedesk serve`` listens on when told nothing else: links point there
#: when ``CASEDESK_PUBLIC_URL`` is not set (``serve`` sets it to its own address).
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CASEDESK_", toml_file="casedesk.toml", extra="ignore"
    )

    data_dir: Path = Path("var")
    #: Seconds the business figures on /metrics are kept before they are counted again.
    metrics_refresh_seconds: float = Field(default=15.0, ge=0, le=3600)
    #: The bearer token a scraper sends to read the business figures on /metrics (names of
    #: corporations and groups, their case counts); without it only request counters show.
    metrics_token: str = ""
    #: The languages the assist's detector tells apart (ISO 639-1, comma-separated); each
    #: one more costs memory and time per message (docs/assist.md).
    assist_languages: str = "en,de,fr,es,it,nl"
    #: lingua's low-accuracy mode: about a tenth of the memory, less sure on short texts.
    assist_language_low_accuracy: bool = False
    #: A case export of more rows than this runs as a background job with a download link.
    export_job_rows: int = Field(default=10_000, ge=0)
    #: A bulk change of more cases than this runs as a background job with progress.
    bulk_job_cases: int = Field(default=100, ge=0)
    database_url: str | None = None
    #: A PostgreSQL hot standby of ``database_url`` for the reads that may lag the last
    #: commits by the replication delay: text search, reports and exports.
    database_replica_url: str | None = None
    secret_key: str = "change-me"
    smtp_url: str | None = None
    imap_url: str | None = None
    #: Largest attachment accepted, in bytes.
    max_attachment_bytes: int = 25 * 1024 * 1024
    #: Largest JSON body accepted, in bytes.
    max_body_bytes: int = 2 * 1024 * 1024
    #: Largest raw email taken in (IMAP, the MTA pipe endpoint, ``mail import``), in bytes.
    max_mail_bytes: int = 30 * 1024 * 1024
    #: Deepest MIME nesting a mail may have before it is quarantined.
    max_mime_depth: int = 12
    #: The address mail is sent from when a corporation names none.
    mail_from: str = "support@casedesk.invalid"
    #: The address people reach this server at (``https://support.example.com``), for
    #: every link casedesk sends. Never taken from a request's ``Host``, which the
    #: sender of a request chooses; without it, the address ``serve`` listens on.
    public_url: str | None = None
    #: Host names a request may name in ``Host`` (``support.example.com``, or
    #: ``*.example.com`` for its subdomains); a comma list in the environment. Requests
    #: naming another get 400. Empty: any host.
    allowed_hosts: Annotated[list[str], NoDecode] = []
    #: A PEM bundle of certificate authorities the IMAP and SMTP clients trust besides
    #: the system's store (a private CA of the mail servers). Verification stays on.
    mail_ca_file: FilePath | None = None
    #: Requests a minute an API token may make unless it has a quota of its own
    #: (``rate_limit_per_minute``); 0 for no limit.
    api_requests_per_minute: int = Field(default=600, ge=0)
    #: SQLite's memory (docs/store.md): page cache per connection, memory-mapped part
    #: of the file, where sorts spill (file or memory), soft limit on the process's heap.
    sqlite_cache_mb: int = Field(default=8, ge=1, le=4096)
    sqlite_mmap_mb: int = Field(default=0, ge=0, le=1 << 20)
    sqlite_temp_store: Literal["file", "memory"] = "file"
    sqlite_heap_mb: int = Field(default=256, ge=0, le=1 << 20)
    #: At most how often, in seconds, a server process adds its token request counts to
    #: the database, where the other processes see them.
    rate_limit_flush_seconds: float = Field(default=1.0, gt=0, le=60)

    #: Addresses outbound webhooks may reach although they are not public: CIDRs
    #: (``10.0.0.0/8``) and host names (``hooks.intranet``), a comma list in the
    #: environment. Loopback, private, link-local and metadata addresses are refused
    #: unless named here.
    webhook_allow: Annotated[list[str], NoDecode] = []

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    @field_validator("public_url")
    @classmethod
    def _public_url_is_absolute(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("CASEDESK_PUBLIC_URL must be an http:// or https:// address")
        return value.strip().rstrip("/")

    @field_validator("database_replica_url")
    @classmethod
    def _replica_is_postgresql(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.strip().startswith("postgresql"):
            raise ValueError(
                "CASEDESK_DATABASE_REPLICA_URL must be a postgresql:// URL: a read replica "
                "is a PostgreSQL hot standby of the primary"
            )
        return value.strip()

    @field_validator("allowed_hosts", "webhook_allow", mode="before")
    @classmethod
    def _hosts_from_comma_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [host.strip() for host in value.split(",") if host.strip()]
        return value

    @property
    def link_base_url(self) -> str:
        """Where every link casedesk sends (mail, webhooks) starts."""
        return self.public_url or DEFAULT_PUBLIC_URL

    @property
    def sqlite_limits(self) -> dict[str, Any]:
        """The ``store.db.SqliteLimits`` these settings ask for, as its arguments."""
        return {
            "cache_mb": self.sqlite_cache_mb,
            "mmap_mb": self.sqlite_mmap_mb,
            "temp_store": self.sqlite_temp_store,
            "heap_mb": self.sqlite_heap_mb,
        }

    @cached_property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'casedesk.db').resolve()}"

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"

    @property
    def exports_dir(self) -> Path:
        """Where background case exports are written for their owners to download."""
        return self.data_dir / "exports"
