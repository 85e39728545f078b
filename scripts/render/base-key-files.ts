import { GitRepository } from "../git/repository.js";
import { RENDER_KEY_FILE } from "./render-index.js";
import { manifestsDirName } from "./write/tree.js";

/**
 * The key files (`.render-key`) committed at the merge base of `base` with
 * HEAD, by path under `manifests/` (`dev/cart/.render-key`): the index
 * `render --check --base` believes, since a pull request cannot change
 * them. Every key file there is read (GitRepository.filesUnder: one git
 * ls-tree, one git cat-file --batch by blob id), so this needs nothing from validation and can run beside it
 * (committed-tree-worker.ts). Fails with GitRepository.mergeBase's
 * ToolError when the base is not in the clone or shares no commit with HEAD.
 */
export async function readBaseKeyFiles(root: string, base: string): Promise<Map<string, string>> {
  const git = new GitRepository(root);
  const commit = await git.mergeBase(base);
  const prefix = `${manifestsDirName}/`;
  const texts = await git.filesUnder(
    commit,
    manifestsDirName,
    (path) => path.startsWith(prefix) && path.endsWith(`/${RENDER_KEY_FILE}`),
  );
  return new Map([...texts].map(([path, text]) => [path.slice(prefix.length), text]));
}
