"""The composition root: the one place that turns settings into an engine, keys, a store, the
declared purposes and the connectors' settings.

DESIGN.md §5 item 4. Entry points (CLI, web, jobs) call these functions; nothing connects at
import time, nothing else reads the environment, builds engines or reads the key file, and no
service loads the manifest itself: it is given the ``PurposeCatalogue`` built here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from steward.config import PREFIX, JobRunner
from steward.config import Settings as Settings
from steward.config import load_settings as load_settings
from steward.errors import ConfigError, InvalidInput, StoreError
from steward.mail import Mailer, SmtpMailer
from steward.store.database import Clock, Store, create_store_engine, system_clock
from steward.store.key_checks import verify_key_ring
from steward.store.keyfile import KeyFile
from steward.store.schema import require_current

if TYPE_CHECKING:
    from fastapi import FastAPI

    from steward.connectors.mailchimp_settings import MailchimpSettings
    from steward.connectors.pool import ConnectorPool
    from steward.consent.purposes import PurposeCatalogue
    from steward.consent.unsubscribe_headers import UnsubscribeEndpoints
    from steward.jobs.protocol import Jobs
    from steward.jobs.queue import ProcrastinateJobs
    from steward.jobs.registry import TaskRegistry
    from steward.law.calendar import Nation
    from steward.manifest.datasets import DatasetMap
    from steward.manifest.schema import Manifest
    from steward.relay.screening import RelayPolicy
    from steward.services.request_wiring import RequestEngineWiring

MANIFEST_VARIABLE = "STEWARD_MANIFEST"


def build_engine(settings: Settings) -> Engine:
    return create_store_engine(settings.resolved_database_url())


def build_key_file(settings: Settings) -> KeyFile:
    return KeyFile(settings.resolved_key_file())


_SETTINGS: dict[tuple[tuple[str, str], ...], Settings] = {}


def settings_now() -> Settings:
    """This process's settings, read again only when a ``STEWARD_*`` variable has changed: a
    worker builds the engine's parts for every job, and validating the settings each time
    costs more than a short step."""
    state = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(PREFIX)))
    found = _SETTINGS.get(state)
    if found is None:
        found = load_settings()
        _SETTINGS.clear()
        _SETTINGS[state] = found
    return found


def open_store(settings: Settings, *, clock: Clock = system_clock) -> Store:
    """A store ready for work: refuses an un-migrated database, a missing or unsafe key file, and
    a key file that is not this database's own (checked before anything is written)."""
    engine = build_engine(settings)
    try:
        require_current(engine)
        keys = build_key_file(settings)
        keys.ring()
        store = Store(engine, keys, clock)
        verify_key_ring(store, where=str(keys.path))
    except BaseException:
        engine.dispose()
        raise
    return store


def _files_state(path: Path) -> tuple[tuple[str, bytes], ...]:
    """What a file or folder of YAML files holds now: each file's name and the digest of its
    bytes (an edit that keeps the size and the time stamp still shows; reading and hashing the
    files costs a small fraction of parsing and validating them)."""
    import hashlib

    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    state = []
    for file in files:
        try:
            content = file.read_bytes()
        except OSError:
            continue
        state.append((str(file), hashlib.sha256(content).digest()))
    return tuple(state)


_LOADED: dict[tuple[str, object], object] = {}
"""Manifests and dataset maps this process has loaded, by path and the files' contents: a
worker builds the engine's parts for every step it runs, and parsing an unchanged manifest each
time would cost more than the step. A changed file changes the key, so it is read again (and a
file made invalid is refused, never served from memory). At most ``_KEEP`` entries are kept."""
_KEEP = 16


def _manifest_at(path: Path) -> Manifest:
    from steward.manifest.load import load_manifest
    from steward.manifest.schema import Manifest

    key = ("manifest", (str(path.resolve()), _files_state(path)))
    found = _LOADED.get(key)
    if not isinstance(found, Manifest):
        found = load_manifest(path)
        _remember(key, found)
    return found


def _maps_at(folder: Path, manifest: Manifest) -> tuple[DatasetMap, ...]:
    from steward.manifest.dataset_load import load_dataset_maps

    key = ("maps", (str(folder.resolve()), _files_state(folder), id(manifest)))
    found = _LOADED.get(key)
    if not isinstance(found, tuple):
        found = tuple(load_dataset_maps(folder, manifest))
        _remember(key, found)
    return found


def _remember(key: tuple[str, object], value: object) -> None:
    while len(_LOADED) >= _KEEP:
        del _LOADED[next(iter(_LOADED))]
    _LOADED[key] = value


def derived_key(store: Store, label: str) -> bytes:
    """A 32-byte key for one use (``label``), derived from the key ring's first key by HMAC, so
    the ring's own keys never leave the store and two uses never share a key."""
    import hashlib
    import hmac

    ring = store.keys.ring()
    first = ring.key(ring.versions[0])
    return hmac.new(first.index_key, label.encode(), hashlib.sha256).digest()


def purpose_catalogue(settings: Settings) -> PurposeCatalogue:
    """The purposes the deployment's manifest declares (``STEWARD_MANIFEST``), loaded once.

    Refused, before anything is recorded, when the variable is unset or the manifest does not
    load: a purpose that cannot be checked is never recorded (docs/configuration.md).
    """
    from steward.consent.purposes import PurposeCatalogue

    path = manifest_path(settings, needed_for="no purpose can be checked")
    return PurposeCatalogue.of(_manifest_at(path), origin=f"the manifest {path}")


def manifest_path(
    settings: Settings, given: Path | None = None, *, needed_for: str = "it cannot be read"
) -> Path:
    """The manifest named on the command line (``--manifest``), else ``STEWARD_MANIFEST``."""
    if given is not None:
        if not given.exists():
            raise ConfigError(
                f"{str(given)!r} does not exist",
                where="--manifest",
                hint="give the manifest file or the folder of its files",
            )
        return given
    path = settings.manifest.path
    if path is None:
        raise ConfigError(
            f"the deployment's manifest is not named, so {needed_for}",
            where=MANIFEST_VARIABLE,
            hint=f"export {MANIFEST_VARIABLE}=path/to/manifest (a file or a folder of files); "
            "see docs/configuration.md",
        )
    if not path.exists():
        raise ConfigError(
            f"{str(path)!r} does not exist",
            where=MANIFEST_VARIABLE,
            hint="point it at the manifest file or the folder of its files",
        )
    return path


def unsubscribe_endpoints(
    settings: Settings, *, base_url: str | None = None, mailbox: str | None = None
) -> UnsubscribeEndpoints:
    """Where unsubscribes arrive; a value given on the command line wins over the setting."""
    from steward.consent.unsubscribe_headers import UnsubscribeEndpoints

    group = settings.unsubscribe
    chosen = {
        "STEWARD_UNSUBSCRIBE_BASE_URL": base_url or group.base_url,
        "STEWARD_UNSUBSCRIBE_MAILBOX": mailbox or group.mailbox,
    }
    for name, value in chosen.items():
        if value is None:
            raise ConfigError(
                "not set",
                where=name,
                hint=f"export {name}=... (docs/configuration.md) or give it on the command line",
            )
    try:
        return UnsubscribeEndpoints(
            base_url=chosen["STEWARD_UNSUBSCRIBE_BASE_URL"] or "",
            mailbox=chosen["STEWARD_UNSUBSCRIBE_MAILBOX"] or "",
        )
    except InvalidInput as error:
        name = "STEWARD_UNSUBSCRIBE_" + (error.where or "").upper()
        raise ConfigError(error.message, where=name, hint=error.hint) from error


def mailchimp_settings(
    settings: Settings, purposes: PurposeCatalogue, *, archive: bool = False
) -> MailchimpSettings:
    """The Mailchimp audience settings, complete, for a purpose that markets by email."""
    from steward.connectors.mailchimp_address import api_root
    from steward.connectors.mailchimp_settings import MailchimpSettings
    from steward.connectors.mailchimp_sync import SuppressionMode

    group = settings.mailchimp
    required = {
        "STEWARD_MAILCHIMP_API_KEY": group.api_key,
        "STEWARD_MAILCHIMP_LIST_ID": group.list_id,
        "STEWARD_MAILCHIMP_PURPOSE": group.purpose,
    }
    for name, value in required.items():
        if value is None:
            raise ConfigError(
                "not set",
                where=name,
                hint=f"export {name}=... in the job's environment (docs/configuration.md; "
                "never write the key in a file that is committed)",
            )
    assert group.api_key is not None and group.list_id is not None and group.purpose is not None
    try:
        purposes.marketing(group.purpose, channel="email")
    except InvalidInput as error:
        raise ConfigError(
            error.message, where="STEWARD_MAILCHIMP_PURPOSE", hint=error.hint
        ) from error
    if group.base_url is not None:
        api_root(group.base_url)  # refuses an unparseable, plain-http or credentialled URL
    optional = {"opt_in_wording": group.opt_in_wording} if group.opt_in_wording else {}
    return MailchimpSettings(
        api_key=group.api_key,
        list_id=group.list_id,
        purpose=group.purpose,
        mode=SuppressionMode.ARCHIVE if archive else SuppressionMode(group.mode),
        base_url=group.base_url,
        batch_poll_seconds=group.batch_poll_seconds,
        batch_timeout_seconds=group.batch_timeout_seconds,
        pull_overlap_seconds=group.pull_overlap_seconds,
        pull_write_batch=group.pull_write_batch,
        **optional,
    )


def mailer(settings: Settings) -> Mailer:
    """The SMTP mailer the settings describe; refused, naming the variable, if they are unset."""
    mail = settings.mail
    if mail.smtp_host is None or mail.sender is None:
        missing = "STEWARD_SMTP_HOST" if mail.smtp_host is None else "STEWARD_MAIL_FROM"
        raise ConfigError(
            "no mail server is configured, so this command cannot send mail",
            where=missing,
            hint="set STEWARD_SMTP_HOST and STEWARD_MAIL_FROM (docs/configuration.md, 'Mail')",
        )
    return SmtpMailer(
        host=mail.smtp_host,
        port=mail.smtp_port,
        sender=mail.sender,
        starttls=mail.smtp_starttls,
        username=mail.smtp_username,
        password=mail.smtp_password.get_secret_value() if mail.smtp_password else None,
        timeout=mail.timeout_seconds,
    )


def optional_mailer(settings: Settings) -> Mailer:
    """The SMTP mailer when one is configured; otherwise one whose every send fails as
    Unavailable, so what had to be mailed is recorded as not sent (staff then send it)."""
    from steward.mail import UnconfiguredMailer

    if settings.mail.smtp_host is None or settings.mail.sender is None:
        return UnconfiguredMailer()
    return mailer(settings)


def organisation_nation(settings: Settings) -> Nation:
    """The nation whose bank holidays time the deployment's requests (RULES.md C-3, R1.3):
    the manifest's organisation (``STEWARD_MANIFEST``). Refused, naming the variable, when the
    manifest is not named or does not exist: a due date is never guessed."""

    path = settings.manifest.path
    if path is None:
        raise ConfigError(
            "the deployment's manifest is not named, so the organisation's nation (its bank "
            "holidays) is unknown",
            where=MANIFEST_VARIABLE,
            hint=f"export {MANIFEST_VARIABLE}=path/to/manifest (a file or a folder of files); "
            "see docs/configuration.md",
        )
    if not path.exists():
        raise ConfigError(
            f"{str(path)!r} does not exist",
            where=MANIFEST_VARIABLE,
            hint="point it at the manifest file or the folder of its files",
        )
    return _manifest_at(path).organisation.nation


def declared_manifest(settings: Settings) -> Manifest | None:
    """The deployment's manifest when ``STEWARD_MANIFEST`` names one, else None (for commands
    that check ids against it when they can, such as ``steward hold add --system``)."""
    path = settings.manifest.path
    if path is None:
        return None
    if not path.exists():
        raise ConfigError(
            f"{str(path)!r} does not exist",
            where=MANIFEST_VARIABLE,
            hint="point it at the manifest file or the folder of its files",
        )
    return _manifest_at(path)


def jobs(settings: Settings, store: Store, registry: TaskRegistry | None = None) -> Jobs:
    """The job runner the settings name (``STEWARD_JOBS_RUNNER``), for the deployment's tasks
    (or ``registry``). procrastinate needs PostgreSQL: with SQLite it is refused here, before
    anything is queued."""
    if settings.jobs.runner is JobRunner.procrastinate:
        return job_queue(settings, store, registry)
    from steward.jobs.inline import InlineJobs
    from steward.jobs.registry import deployment_tasks

    return InlineJobs(
        store,
        registry if registry is not None else deployment_tasks(),
        heartbeat_every=settings.jobs.heartbeat_seconds,
    )


def job_queue(
    settings: Settings,
    store: Store,
    registry: TaskRegistry | None = None,
    *,
    concurrency: int = 1,
    queue: str | None = None,
) -> ProcrastinateJobs:
    """The procrastinate queue on Steward's PostgreSQL database, as a worker or a producer
    uses it; a ConfigError naming STEWARD_JOBS_RUNNER on SQLite."""
    from steward.jobs.queue import QUEUE, ProcrastinateJobs, RetryPolicy, postgres_conninfo
    from steward.jobs.registry import deployment_tasks

    group = settings.jobs
    return ProcrastinateJobs(
        store,
        registry if registry is not None else deployment_tasks(),
        conninfo=postgres_conninfo(settings.resolved_database_url()),
        queue=queue or QUEUE,
        retry=RetryPolicy(retries=group.retries, backoff_seconds=group.retry_backoff_seconds),
        heartbeat_every=group.heartbeat_seconds,
        pool_size=concurrency + 3,
    )


@dataclass(frozen=True)
class QueueWorker:
    """What ``steward worker`` serves: the queue, and when a silent job counts as stalled."""

    jobs: ProcrastinateJobs
    stalled_after_seconds: float


def queue_worker(
    settings: Settings,
    *,
    concurrency: int = 1,
    queue: str | None = None,
    registry: TaskRegistry | None = None,
) -> QueueWorker:
    """A worker's queue, refused with a reason when there is nothing for a worker to do: on
    SQLite jobs run in the process that queues them; with the inline runner nothing is queued;
    without procrastinate's tables there is no queue yet. The caller disposes
    ``jobs.store.engine``."""
    if not settings.resolved_database_url().startswith("postgresql"):
        raise ConfigError(
            "Steward's database is SQLite, so jobs run in the process that queues them and no "
            "worker is needed",
            where="STEWARD_DATABASE_URL",
            hint="nothing to start; to run workers, move to PostgreSQL and set "
            "STEWARD_JOBS_RUNNER=procrastinate (docs/operations.md)",
        )
    if settings.jobs.runner is not JobRunner.procrastinate:
        raise ConfigError(
            "the job runner is inline, so jobs run in the process that queues them and a "
            "worker would find nothing queued",
            where="STEWARD_JOBS_RUNNER",
            hint="set STEWARD_JOBS_RUNNER=procrastinate here and wherever Steward runs",
        )
    from steward.store.job_queue import queue_schema_installed

    store = open_store(settings)
    try:
        if not queue_schema_installed(store.engine):
            raise StoreError(
                "the job queue's tables are not installed",
                where=store.engine.url.render_as_string(hide_password=True),
                hint="run `steward db upgrade`",
            )
        built = job_queue(settings, store, registry, concurrency=concurrency, queue=queue)
    except BaseException:
        store.engine.dispose()
        raise
    return QueueWorker(built, settings.jobs.stalled_after_seconds)


OPTIONAL_CONNECTION = frozenset({"base_url"})
"""Connection values a system may leave unset: the vendor's own address is the default."""


def engine_wiring(
    settings: Settings,
    request_id: str,
    *,
    store: Store | None = None,
    pool: ConnectorPool | None = None,
) -> RequestEngineWiring:
    """What the request engine needs for one request: the store, the person's subject, the
    dataset maps (``STEWARD_DATASETS``, else ``datasets/`` beside the manifest), the manifest's
    systems, a connector per system (connection values from the ``env:`` names the manifest
    gives), and the holds on that person's records (retention, staff holds). ``store``: the
    store to use (a job's own); by default one is opened, and closed with the wiring. ``pool``:
    connectors kept between jobs in this process (``steward.connectors.pool``), borrowed here and
    given back by ``close`` (or closed by ``discard``, after a failed step)."""
    from steward.config import environment_has, environment_value
    from steward.connectors.pool import pool_key
    from steward.connectors.protocol import Connector, ConnectorContext
    from steward.connectors.registry import open_connector
    from steward.connectors.steward_store import STEWARD_STORE_MAP, StewardStoreConnector
    from steward.connectors.steward_store import SYSTEM_ID as STEWARD_SYSTEM
    from steward.manifest.dataset_load import default_maps_folder
    from steward.services.holds import StoreHoldCheck
    from steward.services.request_views import open_requests_for, subject_of
    from steward.services.request_wiring import RequestEngineWiring

    manifest = declared_manifest(settings)
    if manifest is None or settings.manifest.path is None:
        raise ConfigError(
            "the deployment's manifest is not named, so its systems are unknown",
            where=MANIFEST_VARIABLE,
            hint=f"export {MANIFEST_VARIABLE}=path/to/manifest",
        )
    folder = settings.manifest.datasets or default_maps_folder(settings.manifest.path)
    if not folder.is_dir():
        raise ConfigError(
            f"no folder of dataset maps at {str(folder)!r}",
            where="STEWARD_DATASETS",
            hint="set STEWARD_DATASETS to the folder of maps, or draft one with "
            "`steward systems discover`",
        )
    maps = (*_maps_at(folder, manifest), STEWARD_STORE_MAP)
    owns_store = store is None
    if store is None:
        store = open_store(settings)
    found = subject_of(store, request_id)
    pseudonym_key = derived_key(store, "steward connector pseudonyms")
    opened: dict[str, Connector] = {}
    borrowed: dict[str, str] = {}  # system id -> its key in the pool

    def connector(system_id: str) -> Connector:
        # one per system for the whole request: its connections and reflected tables are
        # reused from step to step instead of being rebuilt by every step
        if system_id in opened:
            return opened[system_id]
        if system_id == STEWARD_SYSTEM:  # Steward's own store: the people and their consent
            opened[system_id] = StewardStoreConnector(store)
            return opened[system_id]
        system = manifest.system(system_id)
        connection = {
            key: environment_value(reference, where=f"system {system_id} connection.{key}")
            for key, reference in system.connection.items()
            if key not in OPTIONAL_CONNECTION or environment_has(reference)
        }
        context = ConnectorContext(
            system_id, connection, dict(system.options), pseudonym_key=pseudonym_key
        )
        if pool is None:
            built = open_connector(system.kind, context)
        else:
            key = pool_key(system_id, system.kind.value, connection, system.options, pseudonym_key)
            built = pool.take(key, lambda: open_connector(system.kind, context))
            borrowed[system_id] = key
        opened[system_id] = built
        return built

    def release(broken: bool) -> None:
        for system_id, built in opened.items():
            key = borrowed.get(system_id)
            if pool is None or key is None:
                built.close()
            else:
                pool.give_back(key, built, broken=broken)
        opened.clear()
        borrowed.clear()
        if owns_store:
            store.engine.dispose()

    return RequestEngineWiring(
        store=store,
        subject=lambda _reference: found,
        maps=maps,
        systems=manifest.systems,
        connectors=connector,
        holds=StoreHoldCheck(
            store,
            manifest,
            found.person_ref,
            open_requests=open_requests_for(store, found.person_ref),
            answering=found.request_id,
        ),
        clock=store.clock,
        actor="staff:cli",
        close=lambda: release(False),
        discard=lambda: release(True),
        jobs=jobs(settings, store),
        queued=settings.jobs.runner is JobRunner.procrastinate,
        stuck_after=timedelta(seconds=settings.jobs.stalled_after_seconds),
        heartbeat_every=settings.jobs.heartbeat_seconds,
    )


def web_app(settings: Settings) -> FastAPI:
    """The web app (privacy centre, staff console, API, banner) over the deployment's store and
    manifest. Mail is optional here: without a mail server the pages that must send mail say so."""
    from steward.consent.purposes import PurposeCatalogue
    from steward.web.app import create_app
    from steward.web.wiring import WebWiring

    store = open_store(settings)
    try:
        manifest = declared_manifest(settings)
        outgoing = mailer(settings) if settings.mail.smtp_host and settings.mail.sender else None
        public_url = settings.web.public_url
        wiring = WebWiring(
            store=store,
            clock=store.clock,
            secret=derived_key(store, "steward web signing"),
            manifest=manifest,
            manifest_path=settings.manifest.path,
            purposes=None
            if manifest is None
            else PurposeCatalogue.of(manifest, origin=f"the manifest {settings.manifest.path}"),
            nation=manifest.organisation.nation if manifest is not None else None,
            mailer=outgoing,
            jobs=jobs(settings, store),
            public_url=public_url,
            https=public_url is not None and public_url.startswith("https://"),
            close=store.engine.dispose,
            relay=relay_policy(settings, manifest),
            banner_origins=settings.web.banner_origins or (),
        )
    except BaseException:
        store.engine.dispose()
        raise
    return create_app(wiring)


def relay_policy(settings: Settings, manifest: Manifest | None) -> RelayPolicy:
    """The contact-form relay's set-up (docs/relay.md). Without STEWARD_RELAY_ORIGINS the
    manifest's ``organisation.website`` is the one site whose forms may post."""
    from steward.relay.screening import RelayPolicy, origin_of, parse_origins, parse_thanks_url

    relay = settings.relay
    origins: tuple[str, ...] = ()
    if relay.origins is not None:
        origins = parse_origins(relay.origins, where="STEWARD_RELAY_ORIGINS")
    elif manifest is not None and manifest.organisation.website is not None:
        website = origin_of(manifest.organisation.website)
        origins = () if website is None else (website,)
    thanks = relay.thanks_url
    return RelayPolicy(
        inbox=relay.inbox,
        origins=origins,
        thanks_url=None
        if thanks is None
        else parse_thanks_url(thanks, where="STEWARD_RELAY_THANKS_URL"),
        per_source_per_hour=relay.per_source_per_hour,
        per_hour=relay.per_hour,
        min_fill_seconds=relay.min_fill_seconds,
    )
