"""Publishing a release to the Hugging Face Hub (token from ``HF_TOKEN``, never printed)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit._io import sha256_bytes
from toolkit.dataset.release import MANIFEST, ReleaseError, verify


@dataclass(frozen=True)
class PushPlan:
    repo_id: str
    folder: Path
    version: str
    tag: str
    files: int
    token_set: bool  # HF_TOKEN is there (needed to push; a dry run checks everything else without it)


def plan_push(release_dir: Path, repo_id: str) -> PushPlan:
    """Everything up to the upload: the release verifies, the repo id is sane; whether a token is there."""
    if repo_id.count("/") != 1 or any(not part for part in repo_id.split("/")):
        raise ReleaseError(f"--repo-id must be OWNER/NAME, got {repo_id!r}")
    checked = verify(release_dir)
    version = json.loads((Path(release_dir) / MANIFEST).read_text(encoding="utf-8"))["version"]
    token = bool(os.environ.get("HF_TOKEN"))
    return PushPlan(repo_id, Path(release_dir), version, f"v{version}", int(checked["files"]), token)


HOW_TO_AUTHENTICATE = "no Hugging Face token: set HF_TOKEN (a write token from huggingface.co/settings/tokens)"


def needs_upload(plan: PushPlan, published: bytes | None) -> bool:
    """Whether to upload, given the manifest the Hub holds at the release's tag (None: no such tag): a version is
    published once; the same release again is nothing to do, another one under that version is refused."""
    if published is None:
        return True
    local = (plan.folder / MANIFEST).read_bytes()
    if published == local:
        return False
    raise ReleaseError(
        f"{plan.repo_id} already has {plan.tag} with another manifest (sha256 {sha256_bytes(published)[:12]}..., this "
        f"release {sha256_bytes(local)[:12]}...): a published version never changes; release a new version"
    )


def _published_manifest(api: Any, plan: PushPlan) -> bytes | None:
    """The manifest at the release's tag on the Hub, or None when the repository has no such tag."""
    refs = api.list_repo_refs(plan.repo_id, repo_type="dataset")
    if plan.tag not in {t.name for t in refs.tags}:
        return None
    path = api.hf_hub_download(plan.repo_id, MANIFEST, repo_type="dataset", revision=plan.tag)
    return Path(path).read_bytes()


PUBLISHED = "published.json"
"""Beside a name's version folders (``releases/<name>/published.json``): where each version was pushed."""


def record_published(plan: PushPlan, commit_url: str) -> Path:
    """Record where this version now is on the Hub (repository, tag, commit) in ``published.json`` beside the
    release's folder (never inside it: a release does not change); one entry per version and repository."""
    from toolkit._io import atomic_write_text, dumps, store_lock

    path = plan.folder.parent / PUBLISHED
    with store_lock(plan.folder.parent):
        try:
            entries = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
        except (OSError, ValueError) as exc:
            raise ReleaseError(f"{path}: not a list of published versions ({exc}); move it aside") from None
        entries = [e for e in entries if (e.get("version"), e.get("repo_id")) != (plan.version, plan.repo_id)]
        entries.append({"version": plan.version, "repo_id": plan.repo_id, "tag": plan.tag, "commit": commit_url})
        atomic_write_text(path, dumps(sorted(entries, key=lambda e: (e["version"], e["repo_id"])), indent=1) + "\n")
    return path


def push(plan: PushPlan) -> str:
    """Upload the release folder as one commit (the branch then holds exactly its files) and tag it ``v<version>``;
    returns the commit URL. A version already on the Hub is not uploaded again (:func:`needs_upload`)."""
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    token = os.environ.get("HF_TOKEN")
    if not token:
        raise ReleaseError(HOW_TO_AUTHENTICATE)
    api = HfApi(token=token)
    try:
        api.create_repo(plan.repo_id, repo_type="dataset", exist_ok=True)
        if not needs_upload(plan, _published_manifest(api, plan)):
            return f"https://huggingface.co/datasets/{plan.repo_id}/tree/{plan.tag} (already published, unchanged)"
        info = api.upload_folder(
            repo_id=plan.repo_id,
            repo_type="dataset",
            folder_path=plan.folder,
            commit_message=f"Release {plan.version}",
            delete_patterns="*",  # files of an earlier version that this one no longer has
        )
        api.create_tag(plan.repo_id, tag=plan.tag, repo_type="dataset", tag_message=f"Release {plan.version}")
    except ReleaseError:
        raise
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        raise ReleaseError(
            f"the Hub refused the upload to {plan.repo_id} (HTTP {status}); check that HF_TOKEN may write there "
            "and that the tag does not exist yet"
        ) from None
    except Exception as exc:  # the Hub client's transport errors (httpx, httpx2, requests) vary by version
        msg = str(exc).replace(token, "***")
        raise ReleaseError(
            f"cannot reach the Hugging Face Hub to push {plan.repo_id} ({type(exc).__name__}: {msg[:200]})"
        ) from None
    url = str(getattr(info, "commit_url", info))
    record_published(plan, url)
    return url
