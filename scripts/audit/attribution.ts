import type { GitPerson } from "../git/history.js";

/** Who made a change, as the audit reports them. */
export interface Author {
  name: string;
  email: string;
  /** The GitHub login, when the email is a users.noreply.github.com address; otherwise null. */
  login: string | null;
}

/** `12345+alice@users.noreply.github.com` and `alice@users.noreply.github.com` → alice. */
export function toAuthor(person: GitPerson): Author {
  const match = /^(?:\d+\+)?([^@+]+)@users\.noreply\.github\.com$/i.exec(person.email);
  return { name: person.name, email: person.email, login: match ? (match[1] as string) : null };
}

/** How an author is shown in a timeline: the GitHub login when known, else the name (else the email). */
export function authorLabel(author: Author): string {
  return author.login ?? (author.name.trim() || author.email);
}

/**
 * The pull request a main-line commit came from: a merge commit's
 * "Merge pull request #123 from owner/branch", or a squash merge's title
 * ending in "(#123)". Null when the subject names none.
 */
export function pullRequestOf(subject: string): number | null {
  const merge = /^Merge pull request #(\d+) from /.exec(subject);
  if (merge) return Number(merge[1]);
  const squash = /\(#(\d+)\)\s*$/.exec(subject);
  return squash ? Number(squash[1]) : null;
}
