import { InferbenchError } from '../../core/errors.js';

/** A repo and the revision to read from it. */
export interface HubRepoSpec {
  /** "org/name" or "name". */
  readonly repoId: string;
  /** Branch, tag or 40-hex commit hash. */
  readonly revision: string;
}

/** Revision used when none is given, as on the hub. */
export const DEFAULT_HUB_REVISION = 'main';

/** A segment of a repo id: letters, digits, "_", "-", "."; it starts and ends with a letter, digit or "_". */
const REPO_ID_SEGMENT = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
/** Longest repo name the hub accepts (the part after "/"). */
const MAX_REPO_NAME_LENGTH = 96;
/** ASCII control characters never belong in a revision or a path. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

function invalid(what: string, value: string, reason: string, fix: string): InferbenchError {
  return new InferbenchError('INVALID_OPTION', `${what} "${value}" ${reason}; ${fix}`);
}

/** `repoId` if it is a repo id the hub accepts (the rules of huggingface_hub's validate_repo_id); otherwise INVALID_OPTION naming it. */
export function validateRepoId(repoId: string): string {
  const fix = 'pass "org/name" or "name" with letters, digits, "_", "-" and "."';
  const segments = repoId.split('/');
  const name = segments[segments.length - 1] ?? '';
  if (segments.length > 2) throw invalid('repo id', repoId, 'has more than one "/"', fix);
  if (!segments.every((segment) => REPO_ID_SEGMENT.test(segment))) {
    throw invalid('repo id', repoId, 'has an empty part, a character other than letters, digits, "_", "-", ".", or a part that starts or ends with "-" or "."', fix);
  }
  if (name.length > MAX_REPO_NAME_LENGTH) throw invalid('repo id', repoId, `has a name longer than ${MAX_REPO_NAME_LENGTH} characters`, fix);
  // "--" separates owner and name in cache folder names, so a repo id with it would be ambiguous there.
  if (repoId.includes('..') || repoId.includes('--')) throw invalid('repo id', repoId, 'contains ".." or "--"', fix);
  if (repoId.endsWith('.git')) throw invalid('repo id', repoId, 'ends with ".git"', 'pass the repo id without ".git"');
  return repoId;
}

/** `revision` if it is safe as a path under `refs/`; otherwise INVALID_OPTION naming it. */
export function validateRevision(revision: string): string {
  const fix = 'pass a branch, tag or commit hash such as "main"';
  if (revision === '') throw invalid('revision', revision, 'is empty', fix);
  if (revision.includes('..') || revision.includes('\\') || revision.startsWith('/') || CONTROL_CHARACTER.test(revision)) {
    throw invalid('revision', revision, 'contains "..", "\\", a control character or starts with "/"', fix);
  }
  if (revision.split('/').some((segment) => segment === '' || segment === '.')) {
    throw invalid('revision', revision, 'has an empty or "." path segment', fix);
  }
  return revision;
}

/** `path` if it names a file inside a repo snapshot; otherwise INVALID_OPTION naming it. */
export function validateRepoFilePath(path: string): string {
  const fix = 'pass a path inside the repo such as "onnx/model.onnx"';
  if (path === '') throw invalid('repo file path', path, 'is empty', fix);
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.includes('\\') || CONTROL_CHARACTER.test(path)) {
    throw invalid('repo file path', path, 'is absolute or contains "\\" or a control character, so it would leave the snapshot directory', fix);
  }
  if (path.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw invalid('repo file path', path, 'has an empty, "." or ".." segment, so it could leave the snapshot directory', fix);
  }
  return path;
}

/** "org/name@rev" or "org/name" (revision {@link DEFAULT_HUB_REVISION}), both parts validated. */
export function parseRepoSpec(spec: string): HubRepoSpec {
  const at = spec.indexOf('@');
  if (at === -1) return { repoId: validateRepoId(spec), revision: DEFAULT_HUB_REVISION };
  return { repoId: validateRepoId(spec.slice(0, at)), revision: validateRevision(spec.slice(at + 1)) };
}
